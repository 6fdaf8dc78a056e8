/**
 * The request and response types of every hub route, derived from the API contract (schemas/api.ts) at the type
 * level only: nothing here exists at runtime. In the built package (`npm run build`) this module's declarations are
 * replaced by the same types written out in full (client/scripts/flatten-types.ts), so the package needs neither zod
 * nor the project's schemas, at runtime or for its types.
 */
import type * as z from 'zod';
import type { API_ROUTES } from '../../schemas/api';

type Contract = typeof API_ROUTES;

/** A route of the hub, as its contract names it: `METHOD /path/{param}`. */
export type RouteKey = keyof Contract;

/** A query as the caller writes it: what the hub defaults may be left out; numbers as numbers. */
type QueryInput<Q extends z.ZodType> = {
  [K in keyof z.input<Q>]: unknown extends z.input<Q>[K] ? (K extends keyof z.output<Q> ? z.output<Q>[K] : never) : z.input<Q>[K];
};

type SuccessStatus = 200 | 201 | 202;

interface RouteShape<R> {
  /** Path parameters, by name (each a string). */
  params: R extends { pathParams: infer P } ? { [N in keyof P]: string } : Record<never, never>;
  /** Query parameters; `Record<never, never>` for a route that takes none. */
  query: R extends { query: infer Q extends z.ZodType } ? QueryInput<Q> : Record<never, never>;
  /** The JSON body as the caller writes it; a raw body (a list's CSV) as text or bytes; `undefined` for none. */
  body: R extends { body: infer B extends z.ZodType } ? z.input<B> : R extends { rawBody: readonly string[] } ? string | Uint8Array : undefined;
  /** The JSON body of a success answer (any of its 2xx statuses). */
  response: R extends { responses: infer S }
    ? { [C in keyof S & SuccessStatus]: S[C] extends { schema: infer T extends z.ZodType } ? z.output<T> : never }[keyof S & SuccessStatus]
    : never;
}

/** Every route's params, query, body and response types, by route key. */
export type ApiRoutes = { [K in RouteKey]: RouteShape<Contract[K]> };
