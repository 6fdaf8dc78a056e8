/**
 * API schemas of the care metrics (docs/care-loop.md, "The loop at a glance"): codes and counts only, never a
 * child's id or any personal field; every count of 1 to 4 is shown as "<5" (small-cell suppression).
 */
import * as z from 'zod';
import { says } from './common';
import { REFERRAL_STATUSES } from './referrals';
import { WORK_KINDS } from './care';

export const careMetricsQuery = z.strictObject({
  county: z
    .string()
    .refine((v) => /^[1-9]\d{5}$/.test(v), says('must be a 6-digit administrative division code (GB/T 2260)', '须为 6 位行政区划代码（GB/T 2260）'))
    .optional()
    .meta({
      description:
        "Only children with a record in this county (household or current region); a prefecture code (....00) covers its counties. Inside the hub's province",
      examples: ['540102'],
    }),
});
export type CareMetricsQuery = z.output<typeof careMetricsQuery>;

/** The published form of a count: exact from 5 on, and 0; "<5" for 1 to 4, so no cell points at one child. */
export const SMALL_CELL_LABEL = '<5';
export const countCell = z
  .union([z.number().int().min(0), z.literal(SMALL_CELL_LABEL)])
  .meta({ description: 'A count: 0, or 5 and more; 1 to 4 is shown as "<5" (small-cell suppression)' });

const countsBy = (keys: readonly string[], what: string) => z.record(z.string(), countCell).meta({ description: `${what}; keys: ${keys.join(', ')}` });

export const careMetricsResponse = z
  .object({
    province: z.string(),
    county: z.string().optional().meta({ description: 'The county asked for; absent: the whole province' }),
    at: z.iso.datetime().meta({ description: 'When the figures were computed' }),
    suppression: z.object({ below: z.literal(5), shownAs: z.literal(SMALL_CELL_LABEL) }).meta({ description: 'Counts 1 to 4 are shown as "<5"' }),
    keyRecipients: z.object({
      active: countCell,
      byRiskLevel: countsBy(
        ['<each level of the province risk scale>', 'unassessed'],
        'Active key recipients by their latest assessed risk level (unassessed: no level)',
      ),
    }),
    referrals: z.object({
      total: countCell,
      byStatus: countsBy(REFERRAL_STATUSES, 'Referrals by their current FHIR Task status'),
    }),
    firstContact: z
      .object({
        started: countCell.meta({ description: 'Referrals the owner has started (in-progress at least once)' }),
        medianDays: z.number().nullable().meta({
          description:
            'Median days from the referral (ServiceRequest.authoredOn) to its first start (Task.executionPeriod.start), one decimal; null when fewer than 5 started',
        }),
      })
      .meta({ description: 'Referral to first contact: first contact is the owner moving the referral to in-progress the first time' }),
    pairedCarer: z
      .object({
        withinDays: z.number().int().meta({ description: 'N: the province config care.carerAssignDays' }),
        discharged: countCell.meta({ description: 'Discharged children (a referral completed with discharged, or a treatment record with a discharge date)' }),
        inTime: countCell.meta({ description: 'Of those, with a paired carer within N days of the discharge' }),
        late: countCell.meta({ description: 'With a carer after N days, or N days past with none' }),
        pending: countCell.meta({ description: 'Less than N days since the discharge, no carer yet: not counted in the share' }),
        share: z
          .number()
          .nullable()
          .meta({ description: 'inTime / (inTime + late) in percent, one decimal; null when either is 1 to 4 or there are fewer than 5' }),
      })
      .meta({ description: 'Share of discharged children with a paired carer within N days' }),
    overdue: z.object({
      total: countCell,
      byKind: countsBy(WORK_KINDS, 'Open obligations past their due date, by worklist kind'),
    }),
  })
  .meta({ id: 'CareMetrics' });
export type CareMetricsView = z.output<typeof careMetricsResponse>;
