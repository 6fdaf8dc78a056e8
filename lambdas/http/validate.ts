/** Validates input against a zod schema, turning every issue into a ValidationError detail with its path. */
import type { z } from 'zod';
import { type ErrorDetail, ValidationError } from '../shared/errors';

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(body)';

/** The Chinese text of an issue: given by the schema (`params.zh` on a custom check), or for a missing required field. */
function messageZh(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'custom' && typeof issue.params?.zh === 'string') return issue.params.zh;
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return '缺少必填字段';
  return undefined;
}

/** One detail per problem; an unknown field is named by its full path. */
export function issueDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue): ErrorDetail[] => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: 'unknown field' }));
    const zh = messageZh(issue);
    return [{ path: joinPath(issue.path), message: issue.message, ...(zh && { message_zh: zh }) }];
  });
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
