/** API schemas of the key-recipient ledger (docs/care-loop.md, "Key recipients"; FHIR EpisodeOfCare). */
import * as z from 'zod';
import { caseIdParam, says } from './common';

export const ENTRY_REASONS = ['sudden_family_change', 'single_parent_family', 'academic_pressure', 'high_risk', 'post_discharge', 'other'] as const;
export const EXIT_REASONS = ['recovered', 'moved_out_of_province', 'aged_out', 'guardian_declined', 'deceased', 'duplicate_case'] as const;

export const enrolBody = z.strictObject({
  reasons: z
    .array(z.enum(ENTRY_REASONS))
    .min(1)
    .max(ENTRY_REASONS.length)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], ...says('duplicate value', '重复的值') });
        seen.add(v);
      });
    })
    .meta({ description: 'Why the child is (or should be) a key recipient' }),
});
export const exitBody = z.strictObject({ reason: z.enum(EXIT_REASONS) });

export const keyRecipientStatusView = z
  .object({ status: z.enum(['active', 'exited', 'never']), since: z.iso.datetime().optional(), reasons: z.array(z.enum(ENTRY_REASONS)).optional() })
  .meta({ id: 'KeyRecipientStatus' });

export const episodeView = z
  .object({
    episodeId: z.string(),
    caseId: caseIdParam,
    status: z.enum(['active', 'exited']),
    reasons: z.array(z.enum(ENTRY_REASONS)),
    enrolledAt: z.iso.datetime(),
    exitedAt: z.iso.datetime().optional(),
    exitReason: z.enum(EXIT_REASONS).optional(),
  })
  .meta({ id: 'KeyRecipientEpisode' });

export const enrolResponse = z.union([
  episodeView,
  z.object({ proposalId: z.string(), caseId: caseIdParam, status: z.literal('proposed'), reasons: z.array(z.enum(ENTRY_REASONS)) }),
]);

export const episodesResponse = z.object({
  caseId: caseIdParam,
  current: keyRecipientStatusView,
  episodes: z.array(episodeView).meta({ description: 'Newest first' }),
});
