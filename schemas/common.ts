/** Small reusable zod types shared by the API schemas. */
import * as z from 'zod';
import { normaliseIdNumber } from './id-number';

/** 6-digit administrative division code (GB/T 2260), e.g. 540000 Tibet, 310107 Putuo. */
export const regionCode = z
  .string()
  .regex(/^[1-9]\d{5}$/, { message: 'must be a 6-digit administrative division code (GB/T 2260)' })
  .meta({ description: '6-digit administrative division code (GB/T 2260)', examples: ['540102'] });

/** Calendar date `YYYY-MM-DD` that exists and is not in the future. */
export const pastDate = z.iso
  .date({ message: 'must be a date YYYY-MM-DD' })
  .refine((d) => d <= new Date().toISOString().slice(0, 10), { message: 'must not be in the future' });

/**
 * Identity number: 18 digits with a valid GB 11643 check character, or a
 * legacy 15-digit number; the output is always the normalised 18-digit form.
 */
export const idNumber = z
  .string()
  .transform((value, ctx) => {
    const result = normaliseIdNumber(value);
    if (!result.ok) {
      ctx.addIssue({
        code: 'custom',
        message:
          result.problem === 'CHECK_DIGIT'
            ? 'identity number check digit is wrong (GB 11643)'
            : result.problem === 'BIRTH_DATE'
              ? 'identity number encodes an impossible birth date'
              : 'identity number must be 18 characters (or legacy 15 digits)',
        params: {
          idProblem: result.problem,
          zh:
            result.problem === 'CHECK_DIGIT'
              ? '身份证号码校验位错误（GB 11643）'
              : result.problem === 'BIRTH_DATE'
                ? '身份证号码中的出生日期不存在'
                : '身份证号码须为 18 位（或旧式 15 位数字）',
        },
      });
      return z.NEVER;
    }
    return result.value;
  })
  .meta({ description: 'Resident identity number, GB 11643; legacy 15-digit numbers are normalised to 18' });

/** Mainland mobile or fixed-line phone number, digits with optional +86 and separators. */
export const phone = z
  .string()
  .trim()
  .regex(/^(\+?86[- ]?)?[0-9][0-9 -]{5,18}[0-9]$/, { message: 'must be a phone number' });

/** Short free text: trimmed, non-empty, bounded. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * A field-level message in English with its zh-CN text, for a zod check's options: the error detail carries
 * both (`message`, `message_zh`; lambdas/middleware/error-mapper.ts).
 */
export const says = (message: string, zh: string) => ({ message, params: { zh } });

/** An identifier the hub makes (lambdas/shared/ids.ts): `<prefix>_` and 26 Crockford base32 characters. */
const hubIdentifier = (prefix: string, noun: string, nounZh: string) => {
  const pattern = new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
  return z
    .string()
    .refine((s) => pattern.test(s), says(`must be a ${noun} id (${prefix}_ followed by 26 characters)`, `须为${nounZh}编号（${prefix}_ 后接 26 个字符）`))
    .meta({ pattern: pattern.source }); // a refinement is invisible to JSON Schema: the contract still shows the shape
};

export const recordIdParam = hubIdentifier('rec', 'record', '记录');
export const caseIdParam = hubIdentifier('case', 'case', '个案');
export const reviewIdParam = hubIdentifier('rev', 'review', '复核项');
export const consentIdParam = hubIdentifier('cns', 'consent', '同意书');
