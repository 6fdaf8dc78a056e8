import { describe, expect, it } from 'vitest';
import { BlindIndexer } from '../../../lambdas/crypto/blind-index';
import { FieldCipher } from '../../../lambdas/crypto/field-cipher';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';
import type { CaseMember } from '../../../schemas/entities/cases';
import type { CaseChange } from '../../../schemas/entities/linking';
import type { StoredRecord } from '../../../schemas/entities/records';
import { publishRecord, readOwnRecord, type RecordsDeps } from '../../../lambdas/domain/records/records-service';
import { ConflictError, NotFoundError } from '../../../lambdas/shared/errors';
import { childRecordV1 } from '../../../schemas/child-record';
import { DEFAULT_MODEL } from '../../../lambdas/domain/matching/default-model';
import { sampleRecord } from '../../support/records';

/** An in-memory stand-in for the records table with the same conditional semantics. */
function memoryTable(options: { alwaysConflict?: boolean } = {}) {
  const heads = new Map<string, StoredRecord>();
  const external = new Map<string, string>();
  const versions: StoredRecord[] = [];
  const members: CaseMember[] = [];
  return {
    versions,
    table: {
      findByExternal: async (bi: string) => external.get(bi),
      getHead: async (id: string) => heads.get(id),
      create: async (r: StoredRecord, bi: string) => {
        if (external.has(bi)) return 'exists' as const;
        external.set(bi, r.recordId);
        heads.set(r.recordId, r);
        versions.push(r);
        return 'created' as const;
      },
      appendVersion: async (r: StoredRecord, expected: number) => {
        if (options.alwaysConflict || heads.get(r.recordId)?.version !== expected) return 'conflict' as const;
        heads.set(r.recordId, r);
        versions.push(r);
        return 'ok' as const;
      },
      // Linking: no candidates in this fake, so every record opens its own case.
      getHeads: async (ids: readonly string[]) => ids.flatMap((id) => (heads.has(id) ? [heads.get(id)!] : [])),
      blocks: async (keys: readonly string[]) => keys.map(() => ({ ids: [], size: 0, version: 0 })),
      counts: async (keys: readonly string[]) => keys.map(() => 0),
    },
    /** Applies a linking change to the heads and keeps the member items. */
    linking: {
      claim: async () => true,
      release: async () => undefined,
      commit: async (change: CaseChange) => {
        for (const h of change.heads) {
          const { expectedCaseId: _e, recordId, ...link } = h;
          heads.set(recordId, { ...heads.get(recordId)!, ...link });
        }
        for (const r of change.remove ?? []) members.splice(members.findIndex((m) => m.caseId === r.caseId && m.recordId === r.recordId) >>> 0, 1);
        members.push(...(change.put ?? []));
        return true;
      },
    },
    members,
  };
}

function deps(table: RecordsDeps['records'], linking: RecordsDeps['linking'], members: CaseMember[]): RecordsDeps {
  const keyring = new LocalKeyring(generateLocalKeyMaterial());
  const cases: RecordsDeps['cases'] = {
    snapshot: async (caseId) => ({
      row: { caseId, status: 'open', createdAt: '', updatedAt: '', memberCount: 0, categories: [], regions: [], agencyTypes: {} },
      members: members.filter((m) => m.caseId === caseId),
    }),
  };
  return {
    province: '540000',
    records: table,
    cases,
    linking,
    cipher: new FieldCipher(keyring),
    index: new BlindIndexer(keyring, '540000'),
    model: DEFAULT_MODEL,
  };
}

const EDU = { agencyId: 'xz-education', agencyType: 'education' } as const;
const HEALTH = { agencyId: 'xz-health', agencyType: 'health' } as const;

describe('records service', () => {
  it('creates, then reports unchanged, then appends a version', async () => {
    const { table, versions, linking, members } = memoryTable();
    const d = deps(table, linking, members);
    const record = childRecordV1.parse(sampleRecord());
    const created = await publishRecord(d, EDU, record);
    const same = await publishRecord(d, EDU, { ...record });
    const changed = await publishRecord(d, EDU, { ...record, riskLevel: 'high' });
    expect([created.status, same.status, changed.status]).toEqual(['created', 'unchanged', 'updated']);
    expect(new Set([created.recordId, same.recordId, changed.recordId]).size).toBe(1);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('treats the same externalId from two agencies as two records', async () => {
    const { table, linking, members } = memoryTable();
    const d = deps(table, linking, members);
    const record = childRecordV1.parse(sampleRecord());
    const a = await publishRecord(d, EDU, record);
    const b = await publishRecord(d, HEALTH, record);
    expect(a.recordId).not.toBe(b.recordId);
  });

  it('gives up with CONFLICT when concurrent updates keep winning', async () => {
    const { table, linking, members } = memoryTable({ alwaysConflict: true });
    const d = deps(table, linking, members);
    const record = childRecordV1.parse(sampleRecord());
    await publishRecord(d, EDU, record);
    await expect(publishRecord(d, EDU, { ...record, riskLevel: 'high' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('hides another agency’s record behind NOT_FOUND', async () => {
    const { table, linking, members } = memoryTable();
    const d = deps(table, linking, members);
    const { recordId } = await publishRecord(d, EDU, childRecordV1.parse(sampleRecord()));
    await expect(readOwnRecord(d, 'xz-health', recordId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(readOwnRecord(d, 'xz-education', recordId)).resolves.toMatchObject({ recordId, version: 1 });
  });

  it('does not mutate the record it publishes', async () => {
    const { table, linking, members } = memoryTable();
    const record = childRecordV1.parse(sampleRecord());
    const copy = structuredClone(record);
    await publishRecord(deps(table, linking, members), EDU, record);
    expect(record).toEqual(copy);
  });
});
