/**
 * Who may grant a consent, checked against the recording agency's own record
 * (only the fields needed are decrypted):
 * - the child alone only from 14 (PIPL), by the recording agency's birth date;
 * - civil affairs as guardian only by civil affairs, and only for a child its
 *   own record shows in its care (guardian relation `institution`). Such a
 *   consent is the guardian's own, so it covers every holder's records without
 *   their confirmation: the one exception in the gate (gate.ts `coverageOf`).
 */
import type { ChildRecordField } from '../../../schemas/child-record';
import type { ConsentInput } from '../../../schemas/consent';
import type { CaseMember } from '../../../schemas/entities/cases';
import type { FieldCipher } from '../../crypto/field-cipher';
import { ForbiddenError, ValidationError } from '../../shared/errors';
import { encryptionContext, RECORDS_TABLE_CONTEXT } from '../records/record-crypto';
import type { Reader } from './gate';
import type { RecordHeads } from './ports';

/** PIPL: a child under 14 cannot consent alone; from 14 the child may, where the law allows. */
export const CHILD_CONSENT_AGE = 14;

/** Age in whole years on `at`, from a YYYY-MM-DD birth date. */
export function ageOn(birthDate: string, at: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  if (at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d)) age--;
  return age;
}

interface GrantorDeps {
  readonly province: string;
  readonly records: RecordHeads;
  readonly cipher: FieldCipher;
}

/** One field from each of the reader's own records in the case. */
async function ownField(deps: GrantorDeps, reader: Reader, members: readonly CaseMember[], field: ChildRecordField): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const m of members.filter((x) => x.agencyId === reader.agencyId)) {
    const own = await deps.records.getHead(m.recordId);
    if (!own || !(field in own.sealed.fields)) continue;
    const open = await deps.cipher.open(
      encryptionContext(deps.province, own.agencyId),
      { table: RECORDS_TABLE_CONTEXT, recordId: own.recordId, schemaVersion: own.schemaVersion },
      own.sealed,
      [field],
    );
    values.push(open[field]);
  }
  return values;
}

export async function checkGrantor(
  deps: GrantorDeps,
  reader: Reader,
  members: readonly CaseMember[],
  grantor: ConsentInput['grantor'],
  now: Date,
): Promise<void> {
  if (grantor.type === 'civil_affairs_guardian') {
    if (reader.agencyType !== 'civil_affairs') {
      throw new ForbiddenError('Only civil affairs records consent as the guardian of a child in its care', '仅民政部门可作为监护人记录同意');
    }
    const guardians = (await ownField(deps, reader, members, 'guardian')) as { relation?: string }[];
    if (!guardians.some((g) => g?.relation === 'institution')) {
      throw new ValidationError(
        [
          {
            path: 'grantor.type',
            message: 'your own record in this case must show the child in your care (guardian relation "institution")',
            message_zh: '本机构在该个案中的记录须显示儿童由本机构监护（监护关系为 institution）',
          },
        ],
        'Civil affairs consents as guardian only for a child in its care',
      );
    }
  }
  if (grantor.type === 'child') {
    // The recording agency's own record says how old the child is; its other fields stay sealed.
    const [birthDate] = (await ownField(deps, reader, members, 'birthDate')) as (string | undefined)[];
    if (!birthDate || ageOn(birthDate, now) < CHILD_CONSENT_AGE) {
      throw new ValidationError(
        [
          {
            path: 'grantor.type',
            message: `the child can consent alone only from ${CHILD_CONSENT_AGE}, and your record must give the birth date`,
            message_zh: `儿童满 ${CHILD_CONSENT_AGE} 周岁方可单独同意，且本机构记录须有出生日期`,
          },
        ],
        'This child cannot consent alone; the guardian must',
      );
    }
  }
}
