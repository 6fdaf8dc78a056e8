import { describe, expect, it } from 'vitest';
import { BlindIndexer } from '../../../lambdas/crypto/blind-index';
import { FieldCipher } from '../../../lambdas/crypto/field-cipher';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';
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
      putBlockingKeys: async () => undefined,
      blockMembers: async () => [],
      setCase: async (id: string, caseId: string, linkStatus: StoredRecord['linkStatus']) => {
        heads.set(id, { ...heads.get(id)!, caseId, linkStatus });
      },
      bump: async () => undefined,
      counts: async (keys: readonly string[]) => keys.map(() => 0),
    },
  };
}

function deps(table: RecordsDeps['records']): RecordsDeps {
  const keyring = new LocalKeyring(generateLocalKeyMaterial());
  const cases: RecordsDeps['cases'] = {
    members: async () => [],
    write: async () => undefined,
    ledgerRow: async () => undefined,
    putReview: async () => undefined,
  };
  return { province: '540000', records: table, cases, cipher: new FieldCipher(keyring), index: new BlindIndexer(keyring, '540000'), model: DEFAULT_MODEL };
}

const EDU = { agencyId: 'xz-education', agencyType: 'education' } as const;
const HEALTH = { agencyId: 'xz-health', agencyType: 'health' } as const;

describe('records service', () => {
  it('creates, then reports unchanged, then appends a version', async () => {
    const { table, versions } = memoryTable();
    const d = deps(table);
    const record = childRecordV1.parse(sampleRecord());
    const created = await publishRecord(d, EDU, record);
    const same = await publishRecord(d, EDU, { ...record });
    const changed = await publishRecord(d, EDU, { ...record, riskLevel: 'high' });
    expect([created.status, same.status, changed.status]).toEqual(['created', 'unchanged', 'updated']);
    expect(new Set([created.recordId, same.recordId, changed.recordId]).size).toBe(1);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('treats the same externalId from two agencies as two records', async () => {
    const { table } = memoryTable();
    const d = deps(table);
    const record = childRecordV1.parse(sampleRecord());
    const a = await publishRecord(d, EDU, record);
    const b = await publishRecord(d, HEALTH, record);
    expect(a.recordId).not.toBe(b.recordId);
  });

  it('gives up with CONFLICT when concurrent updates keep winning', async () => {
    const { table } = memoryTable({ alwaysConflict: true });
    const d = deps(table);
    const record = childRecordV1.parse(sampleRecord());
    await publishRecord(d, EDU, record);
    await expect(publishRecord(d, EDU, { ...record, riskLevel: 'high' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('hides another agency’s record behind NOT_FOUND', async () => {
    const { table } = memoryTable();
    const d = deps(table);
    const { recordId } = await publishRecord(d, EDU, childRecordV1.parse(sampleRecord()));
    await expect(readOwnRecord(d, 'xz-health', recordId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(readOwnRecord(d, 'xz-education', recordId)).resolves.toMatchObject({ recordId, version: 1 });
  });

  it('does not mutate the record it publishes', async () => {
    const { table } = memoryTable();
    const record = childRecordV1.parse(sampleRecord());
    const copy = structuredClone(record);
    await publishRecord(deps(table), EDU, record);
    expect(record).toEqual(copy);
  });
});
