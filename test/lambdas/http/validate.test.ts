/** Every validation detail an agency's staff read carries Chinese beside the English, whatever zod check failed. */
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { issueDetails } from '../../../lambdas/http/validate';
import { caseIdParam, consentIdParam, recordIdParam } from '../../../schemas/common';

const detailsOf = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected a failure');
  return issueDetails(result.error);
};

describe('validation details in zh-CN and English', () => {
  it.each([
    [caseIdParam, 'case_123', '须为个案编号（case_ 后接 26 个字符）'],
    [recordIdParam, 'REC-1', '须为记录编号（rec_ 后接 26 个字符）'],
    [consentIdParam, '', '须为同意书编号（cns_ 后接 26 个字符）'],
  ])('a malformed hub id names the kind of id in both languages (%#)', (schema, input, zh) => {
    const [detail] = detailsOf(schema, input);
    expect(detail?.message_zh).toBe(zh);
    expect(detail?.message).toMatch(/^must be a \w+ id/);
  });

  it('gives every kind of zod issue a Chinese message', () => {
    const schema = z.strictObject({
      name: z.string().min(2).max(4),
      age: z.number().max(17),
      kind: z.enum(['orphan', 'left_behind']),
      when: z.iso.date(),
      tags: z.array(z.string()).min(1),
      either: z.union([z.string(), z.number()]),
      required: z.string(),
    });
    const details = detailsOf(schema, { name: 'x', age: 30, kind: 'other', when: '2024-13-01', tags: [], either: true, extra: 1 });
    expect(details.length).toBe(8);
    for (const detail of details) expect(detail.message_zh, detail.path).toMatch(/[\u4e00-\u9fff]/);
    expect(details.find((d) => d.path === 'extra')).toEqual({ path: 'extra', message: 'unknown field', message_zh: '未知字段' });
    expect(details.find((d) => d.path === 'required')?.message_zh).toBe('缺少必填字段');
    expect(details.find((d) => d.path === 'kind')?.message_zh).toBe('取值无效：须为 orphan、left_behind 之一');
    expect(details.find((d) => d.path === 'name')?.message_zh).toBe('过短：至少 2 个字符');
  });
});
