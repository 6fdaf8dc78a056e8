/** The shape of one route of the API contract (schemas/api.ts), from which the OpenAPI document is generated. */
import type * as z from 'zod';

export interface RouteContract {
  readonly summary: string;
  readonly summaryZh: string;
  /** `signed`: protocol v1 Authorization required; `public`: no authentication. */
  readonly auth: 'signed' | 'public';
  readonly pathParams?: Readonly<Record<string, z.ZodType>>;
  /** Required request headers (the `Idempotency-Key` of every create). */
  readonly headers?: Readonly<Record<string, z.ZodType>>;
  /** A z.object of query parameters. */
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Media types of a raw (non-JSON) body. */
  readonly rawBody?: readonly string[];
  /**
   * The route reads a child's data (or care facts about the child): its allowed requests are disclosures, listed in
   * the case's access report (lambdas/domain/audit/officer-queries.ts). Its handler records what it disclosed and on
   * what basis in the audit event (`context.hub.disclosure`).
   */
  readonly discloses?: boolean;
  /** `mediaTypes`: what the body is when not JSON (the OpenAPI document declares each; default application/json). */
  readonly responses: Readonly<Record<number, { description: string; schema: z.ZodType; mediaTypes?: readonly string[] }>>;
}
