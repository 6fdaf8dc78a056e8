/**
 * For unit tests of the consent gate: the care that establishes every purpose for one reader (an open referral it
 * made, the guardian's agreement to follow-up in force, its record in the case), so a property over purposes tests
 * the gate and not the purpose rule (test/integration/care-purpose.test.ts tests that).
 */
import type { PurposeDeps } from '../../lambdas/domain/care/purpose';
import type { CaseMember } from '../../schemas/entities/cases';

export function everyPurposeEstablished(readerAgencyId: string, members: () => CaseMember[], now: Date): PurposeDeps {
  return {
    now: () => now,
    cases: { members: async () => members(), ledgerRow: async () => undefined },
    referrals: {
      forCase: async (caseId: string) => [
        {
          referralId: 'ref_0',
          caseId,
          requester: readerAgencyId,
          owner: 'xz-health',
          reasons: ['other'],
          priority: 'routine',
          status: 'requested',
          acknowledgeBy: now.toISOString(),
          firstContactBy: now.toISOString(),
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          version: 1,
        },
      ],
    },
    agreements: {
      forCase: async (caseId: string) => [
        {
          agreementId: 'agr_0',
          caseId,
          agreesWithAssessment: true,
          agreesToFollowUp: true,
          childView: 'agrees',
          evidenceSha256: '0'.repeat(64),
          agreedAt: new Date(now.getTime() - 86_400_000).toISOString(),
          recordedBy: readerAgencyId,
          recordedAt: now.toISOString(),
          sealed: '{}',
        },
      ],
    },
    careTeams: { forCase: async () => [] },
    carePlans: { forCase: async () => [] },
  } as unknown as PurposeDeps;
}
