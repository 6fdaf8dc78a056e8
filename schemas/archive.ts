/** One person, one file (一人一档): GET /v1/cases/{caseId}/archive (docs/care-loop.md, "One person, one file"). */
import * as z from 'zod';
import { agreementsResponse, careTeamResponse } from './care';
import { assessmentsResponse } from './assessments';
import { carePlanView } from './care-plans';
import { caseIdParam } from './common';
import { caseConsentsResponse, caseViewResponse, purpose } from './consent';
import { contactsResponse } from './contacts';
import { episodesResponse } from './key-recipients';
import { referralView } from './referrals';

export const archiveQuery = z.strictObject({
  format: z.enum(['json', 'zip']).default('json').meta({
    description: 'json (default): the file as one JSON document; zip: one CSV per form (Chinese headers, UTF-8 with BOM), the JSON form and a manifest',
  }),
});

export const caseArchive = z
  .object({
    archiveVersion: z.literal(1),
    caseId: caseIdParam,
    purpose,
    file: caseViewResponse.meta({ description: '档案表: the records of the case, as the consent gate lets you see them' }),
    assessments: assessmentsResponse.meta({ description: '识别表、评估表: identification and assessment history' }),
    contacts: contactsResponse.meta({ description: 'Observation, interview and follow-up records (观察、访谈与随访记录)' }),
    referrals: z.object({
      items: z.array(referralView).meta({ description: 'The referrals you made or received in this case, with their transitions, oldest first' }),
      note: z.string(),
    }),
    carePlans: z.object({
      items: z.array(z.object({ planId: z.string(), versions: z.array(carePlanView) })).meta({ description: 'The plans you take part in, every version' }),
      withheld: z.array(z.object({ planId: z.string(), reason: z.literal('NOT_A_PARTICIPANT') })),
    }),
    careTeam: careTeamResponse,
    keyRecipient: episodesResponse,
    agreements: agreementsResponse,
    consents: caseConsentsResponse,
  })
  .meta({ id: 'CaseArchive' });

export const ARCHIVE_SHA256_HEADER = 'x-content-sha256';
