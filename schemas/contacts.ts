/** API schemas of follow-up contacts (docs/care-loop.md, "Follow-up contacts"). */
import * as z from 'zod';
import { caseIdParam, says } from './common';

export const CONTACT_KINDS = ['home_visit', 'school_visit', 'talk', 'phone', 'group_activity'] as const;
export const INTERVIEWED = ['child', 'guardian', 'teacher', 'classmate', 'neighbour', 'other'] as const;
export const CONTACT_OUTCOMES = ['stable', 'improved', 'worsened', 'concern_raised', 'crisis_escalated', 'not_reached'] as const;

/** Clock skew allowed for `contactedAt`. */
const SKEW_MS = 5 * 60_000;

export const contactBody = z.strictObject({
  kind: z.enum(CONTACT_KINDS),
  interviewed: z
    .array(z.enum(INTERVIEWED))
    .min(1)
    .max(INTERVIEWED.length)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], ...says('duplicate value', '重复的值') });
        seen.add(v);
      });
    })
    .meta({ description: 'Who was interviewed (访谈对象); a classmate or neighbour is never named' }),
  outcome: z.enum(CONTACT_OUTCOMES),
  contactedAt: z.iso
    .datetime({ offset: true })
    .refine((v) => Date.parse(v) <= Date.now() + SKEW_MS, { ...says('must not be in the future', '不能晚于当前时间') })
    .meta({ description: 'When the contact took place; not in the future' }),
  staffId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'an opaque staff id (letters, digits, . _ : -), never a name' }),
  notes: z.string().trim().min(1).max(4000).optional().meta({ description: 'Observation and interview notes (sealed)' }),
});
export type ContactInput = z.output<typeof contactBody>;

export const contactView = z
  .object({
    contactId: z.string(),
    caseId: caseIdParam,
    kind: z.enum(CONTACT_KINDS),
    interviewed: z.array(z.enum(INTERVIEWED)),
    outcome: z.enum(CONTACT_OUTCOMES),
    contactedAt: z.iso.datetime(),
    nextDue: z.iso.datetime().meta({ description: 'When the next contact is due (the interval of the latest risk level)' }),
    riskLevel: z.string().optional(),
    agencyId: z.string().meta({ description: 'Your agency, or `holder:N`' }),
    staffId: z.string().optional().meta({ description: 'Only to the recording agency' }),
    notes: z.string().optional(),
  })
  .meta({ id: 'FollowUpContact' });

export const contactsResponse = z.object({
  caseId: caseIdParam,
  nextDue: z.iso.datetime().optional().meta({ description: 'When the next contact is due, after the latest one' }),
  items: z.array(contactView).meta({ description: 'Newest first' }),
  withheld: z
    .array(z.object({ contactId: z.string(), agencyId: z.string(), reason: z.string() }))
    .meta({ description: 'Contacts the consent gate withholds, with the reason' }),
});
