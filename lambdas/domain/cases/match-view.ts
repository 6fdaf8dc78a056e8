/** Decrypts only the fields matching needs from a stored record, and builds its MatchRecord. */
import type { ChildRecordV1 } from '../../../schemas/child-record';
import type { FieldCipher } from '../../crypto/field-cipher';
import type { StoredRecord } from '../../../schemas/entities/records';
import { toMatchRecord, type MatchRecord } from '../matching/match-record';
import { encryptionContext, RECORDS_TABLE_CONTEXT } from '../records/record-crypto';

/** The fields matching reads; everything else (notes, assessments, treatment) stays sealed. */
export const MATCH_FIELDS = ['externalId', 'name', 'sex', 'birthDate', 'idNumber', 'householdRegion', 'currentRegion', 'guardian', 'school'] as const;

export function matchRecordOf(agencyId: string, record: Partial<ChildRecordV1> & { externalId: string }, unverifiedIdNumber?: string): MatchRecord {
  return toMatchRecord({
    agency: agencyId,
    externalId: record.externalId,
    name: record.name,
    sex: record.sex,
    birthDate: record.birthDate,
    idNumber: record.idNumber ?? unverifiedIdNumber,
    householdRegion: record.householdRegion,
    currentRegion: record.currentRegion,
    guardianName: record.guardian?.name,
    guardianPhone: record.guardian?.phone,
    guardianRelation: record.guardian?.relation,
    school: record.school,
  });
}

export async function openForMatching(cipher: FieldCipher, province: string, head: StoredRecord): Promise<MatchRecord> {
  const fields = (await cipher.open(
    encryptionContext(province, head.agencyId),
    { table: RECORDS_TABLE_CONTEXT, recordId: head.recordId, schemaVersion: head.schemaVersion },
    head.sealed,
    MATCH_FIELDS,
  )) as Partial<ChildRecordV1> & { externalId: string };
  return matchRecordOf(head.agencyId, fields);
}
