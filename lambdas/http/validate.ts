/** Validates input against a zod schema, turning every issue into a ValidationError detail with its path. */
import type { z } from 'zod';
import { type ErrorDetail, ValidationError } from '../shared/errors';

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(body)';

/**
 * The Chinese text of an issue: given by the schema (`params.zh` on a custom check), else a plain sentence for
 * the issue's kind, so every detail an agency's staff read carries Chinese beside zod's English.
 */
function messageZh(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'custom') return typeof issue.params?.zh === 'string' ? issue.params.zh : undefined;
  if (issue.code === 'invalid_type') return issue.message.endsWith('received undefined') ? '缺少必填字段' : `类型错误：应为 ${issue.expected}`;
  if (issue.code === 'too_small') return issue.origin === 'string' ? `过短：至少 ${issue.minimum} 个字符` : `过小或过少：至少 ${issue.minimum}`;
  if (issue.code === 'too_big') return issue.origin === 'string' ? `过长：至多 ${issue.maximum} 个字符` : `过大或过多：至多 ${issue.maximum}`;
  if (issue.code === 'invalid_value') return `取值无效：须为 ${issue.values.map(String).join('、')} 之一`;
  if (issue.code === 'invalid_format') return '格式不正确';
  if (issue.code === 'invalid_union') return '不符合任何允许的形式';
  return undefined;
}

/** One detail per problem; an unknown field is named by its full path. */
export function issueDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue): ErrorDetail[] => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: 'unknown field', message_zh: '未知字段' }));
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
