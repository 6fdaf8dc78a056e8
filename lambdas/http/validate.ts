/** Validates input against a zod schema, turning every issue into a ValidationError detail with its path. */
import type { z } from 'zod';
import { type ErrorDetail, ValidationError } from '../shared/errors';

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(body)';

/** One detail per problem; an unknown field is named by its full path. */
export function issueDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue): ErrorDetail[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: 'unknown field' }))
      : [{ path: joinPath(issue.path), message: issue.message }],
  );
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(issueDetails(result.error));
}

/** Validates the query string (strict: an unknown parameter is refused by name). */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string | undefined> | undefined): z.output<S> {
  return parseWith(schema, query ?? {});
}
