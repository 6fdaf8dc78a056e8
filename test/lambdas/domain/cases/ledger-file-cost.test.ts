/** The ledger computes each row's file once (docs/care-loop.md, "After a merge or a split"), not once per store it reads. */
import { describe, expect, it } from 'vitest';
import { ledgerRowOf } from '../../../support/care';
import type { CaseEvent } from '../../../../schemas/entities/cases';
import { CaseFiles } from '../../../../lambdas/domain/cases/case-file';
import { readLedger } from '../../../../lambdas/domain/consent/gated-ledger';

const row = (caseId: string) => ledgerRowOf(caseId);

describe('readLedger', () => {
  it('reads each row’s case history once for its bundle, assessment state and key-recipient status', async () => {
    // Prepare: three open cases; each file-scoped store asks for the row's file, as lambdas/domain/care/file-stores.ts does.
    const history = new Map<string, number>();
    const files = new CaseFiles({
      history: async (id): Promise<CaseEvent[]> => {
        history.set(id, (history.get(id) ?? 0) + 1);
        return [];
      },
      ledgerRow: async (id) => row(id),
    });
    const rows = ['A', 'B', 'C'].map(row);
    /** A file-scoped read: asks for the case's file, then answers `value`. */
    const scoped =
      <T>(value: T) =>
      async (caseId: string): Promise<T> => {
        await files.fileOf(caseId);
        return value;
      };

    // Act
    const out = await readLedger(
      {
        coordinatingAgencyType: 'civil_affairs',
        cases: { ledger: async () => ({ items: rows }) } as never,
        consents: { bundle: scoped({ members: [], consents: [], emergencies: [] }) },
        assessments: { state: scoped({ state: 'never_assessed' as const }) },
        keyRecipients: { status: scoped({ status: 'never' as const }) },
      },
      { agencyId: 'civil', agencyType: 'civil_affairs' } as never,
      { limit: 10 } as never,
    );

    // Assess
    expect(out.items.map((r) => r.caseId)).toEqual(['A', 'B', 'C']);
    expect(Object.fromEntries(history)).toEqual({ A: 1, B: 1, C: 1 });
  });
});
