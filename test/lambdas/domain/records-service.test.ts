import { describe, expect, it } from 'vitest';
import { BlindIndexer } from '../../../lambdas/crypto/blind-index';
import { FieldCipher } from '../../../lambdas/crypto/field-cipher';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';
import type { StoredRecord } from '../../../lambdas/data/records-table';
import { publishRecord, readOwnRecord, type RecordsDeps } from '../../../lambdas/domain/records/records-service';
import { ConflictError, NotFoundError } from '../../../lambdas/shared/errors';
import { childRecordV1 } from '../../../schemas/child-record';
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
    },
  };
}

function deps(table: RecordsDeps['records']): RecordsDeps {
  const keyring = new LocalKeyring(generateLocalKeyMaterial());
  return { province: '540000', records: table, cipher: new FieldCipher(keyring), index: new BlindIndexer(keyring, '540000') };
}

describe('records service', () => {
  it('creates, then reports unchanged, then appends a version', async () => {
    const { table, versions } = memoryTable();
    const d = deps(table);
    const record = childRecordV1.parse(sampleRecord());
    const created = await publishRecord(d, 'xz-education', record);
    const same = await publishRecord(d, 'xz-education', { ...record });
    const changed = await publishRecord(d, 'xz-education', { ...record, riskLevel: 'high' });
    expect([created.status, same.status, changed.status]).toEqual(['created', 'unchanged', 'updated']);
    expect(new Set([created.recordId, same.recordId, changed.recordId]).size).toBe(1);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('treats the same externalId from two agencies as two records', async () => {
    const { table } = memoryTable();
    const d = deps(table);
    const record = childRecordV1.parse(sampleRecord());
    const a = await publishRecord(d, 'xz-education', record);
    const b = await publishRecord(d, 'xz-health', record);
    expect(a.recordId).not.toBe(b.recordId);
  });

  it('gives up with CONFLICT when concurrent updates keep winning', async () => {
    const { table } = memoryTable({ alwaysConflict: true });
    const d = deps(table);
    const record = childRecordV1.parse(sampleRecord());
    await publishRecord(d, 'xz-education', record);
    await expect(publishRecord(d, 'xz-education', { ...record, riskLevel: 'high' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('hides another agency’s record behind NOT_FOUND', async () => {
    const { table } = memoryTable();
    const d = deps(table);
    const { recordId } = await publishRecord(d, 'xz-education', childRecordV1.parse(sampleRecord()));
    await expect(readOwnRecord(d, 'xz-health', recordId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(readOwnRecord(d, 'xz-education', recordId)).resolves.toMatchObject({ recordId, version: 1 });
  });

  it('does not mutate the record it publishes', async () => {
    const { table } = memoryTable();
    const record = childRecordV1.parse(sampleRecord());
    const copy = structuredClone(record);
    await publishRecord(deps(table), 'xz-education', record);
    expect(record).toEqual(copy);
  });
});
