/**
 * The consent gate at the domain level, with in-memory stand-ins for the tables
 * and the real field cipher: a property test that no field outside an active
 * covering consent is ever returned, and a count of what gets decrypted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from '../../../lambdas/crypto/field-cipher';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';
import type { CaseMember } from '../../../schemas/entities/cases';
import type { StoredConsent } from '../../../schemas/entities/consents';
import type { StoredRecord } from '../../../schemas/entities/records';
import { viewCase } from '../../../lambdas/domain/consent/case-view';
import type { ConsentDeps } from '../../../lambdas/domain/consent/consent-service';
import { consentStatus } from '../../../lambdas/domain/consent/gate';
import type { Consent, Purpose } from '../../../schemas/entities/consents';
import { encryptionContext } from '../../../lambdas/domain/records/record-crypto';
import { childRecordV1, DATA_CATEGORIES, FIELD_CATEGORIES, type ChildRecordField } from '../../../schemas/child-record';
import { PURPOSES } from '../../../schemas/signed-request';
import { sampleRecord } from '../../support/records';
import { everyPurposeEstablished } from '../../support/purposes';

const NOW = new Date('2026-06-01T00:00:00Z');
const reader = { agencyId: 'xz-education', agencyType: 'education' as const };
const holders = [
  { agencyId: 'xz-civil-affairs', agencyType: 'civil_affairs' },
  { agencyId: 'xz-health', agencyType: 'health' },
] as const;

async function fixture() {
  const keyring = new LocalKeyring(generateLocalKeyMaterial());
  const cipher = new FieldCipher(keyring);
  const record = childRecordV1.parse(
    sampleRecord({
      treatment: { institution: '医院', diagnosis: '诊断' },
      hotline: { contactedAt: '2025-01-01T00:00:00Z', channel: 'phone_12355' },
      family: { situation: '单亲' },
    }),
  );
  const heads = new Map<string, StoredRecord>();
  const members: CaseMember[] = [];
  for (const [i, h] of [...holders, reader].entries()) {
    const recordId = `rec_${String(i).padStart(26, '0')}`;
    const sealed = await cipher.seal(encryptionContext('540000', h.agencyId), { table: 'records', recordId, schemaVersion: 1 }, record);
    heads.set(recordId, {
      recordId,
      agencyId: h.agencyId,
      version: 1,
      schemaVersion: 1,
      contentMac: 'x',
      sealed,
      createdAt: '',
      updatedAt: '',
      caseId: 'case_X',
    });
    members.push({ caseId: 'case_X', recordId, agencyId: h.agencyId, agencyType: h.agencyType, joinedAt: '', how: 'auto', categories: [], regions: [] });
  }
  const opened: string[][] = [];
  const counting = Object.create(cipher) as FieldCipher;
  counting.open = (async (...args: Parameters<FieldCipher['open']>) => {
    opened.push([...(args[3] ?? Object.keys(args[2].fields))]);
    return cipher.open(...args);
  }) as FieldCipher['open'];
  const deps = (consents: StoredConsent[]): ConsentDeps => ({
    province: '540000',
    coordinatingAgencyType: 'civil_affairs',
    emergencyHours: 72,
    consents: { forCase: async () => ({ consents, emergencies: [] }) } as unknown as ConsentDeps['consents'],
    cases: { members: async () => members, ledgerRow: async () => undefined },
    caseFiles: { currentOf: async (caseId: string) => caseId },
    records: { getHead: async (id: string) => heads.get(id) },
    notifications: { notify: async () => undefined, forRecipient: async () => [], notifyOnce: async () => true },
    cipher: counting,
    now: () => NOW,
    assessments: { state: async () => ({ state: 'never_assessed' as const }) },
    purposes: everyPurposeEstablished(reader.agencyId, () => members, NOW),
  });
  return { deps, keyring, opened, heads };
}

const day = 86_400_000;
const recordIdOf = (agencyId: string) => `rec_${String([...holders, reader].findIndex((h) => h.agencyId === agencyId)).padStart(26, '0')}`;
const consentArb = fc.record({
  purposes: fc.subarray([...PURPOSES], { minLength: 1 }),
  dataCategories: fc.subarray([...DATA_CATEGORIES], { minLength: 1 }),
  recipients: fc.subarray(
    [{ agencyType: 'education' as const }, { agencyType: 'health' as const }, { agencyId: 'xz-education' }, { agencyId: 'xz-womens-federation' }],
    { minLength: 1 },
  ),
  fromDays: fc.integer({ min: -30, max: 5 }),
  lengthDays: fc.integer({ min: 1, max: 60 }),
  withdrawnDaysAgo: fc.option(fc.integer({ min: -3, max: 10 }), { nil: undefined }),
  // Who recorded it: either holder, or the reader itself (a self-granted consent).
  recordedBy: fc.constantFrom('xz-civil-affairs', 'xz-health', 'xz-education'),
  civilAffairsGuardian: fc.boolean(),
  // Holders' confirmations: when (days ago), and whether (and when) taken back.
  confirmations: fc.array(
    fc.record({
      agencyId: fc.constantFrom('xz-civil-affairs', 'xz-health'),
      daysAgo: fc.integer({ min: -2, max: 10 }),
      withdrawnDaysAgo: fc.option(fc.integer({ min: -2, max: 10 }), { nil: undefined }),
    }),
    { maxLength: 2 },
  ),
});

type ConsentShape = typeof consentArb extends fc.Arbitrary<infer T> ? T : never;

function toConsent(c: ConsentShape, i: number): StoredConsent {
  const from = NOW.getTime() + c.fromDays * day;
  return {
    consentId: `cns_${String(i).padStart(26, '0')}`,
    caseId: 'case_X',
    // Civil affairs as guardian is recordable by civil affairs only (checked when recorded).
    grantorType: c.civilAffairsGuardian && c.recordedBy === 'xz-civil-affairs' ? 'civil_affairs_guardian' : 'guardian',
    purposes: c.purposes,
    dataCategories: c.dataCategories,
    recipients: c.recipients,
    validFrom: new Date(from).toISOString(),
    validUntil: new Date(from + c.lengthDays * day).toISOString(),
    evidenceSha256: 'a'.repeat(64),
    recordedBy: c.recordedBy,
    recordedAt: NOW.toISOString(),
    sealed: '',
    confirmations: c.confirmations.map((x) => ({
      agencyId: x.agencyId,
      confirmedAt: new Date(NOW.getTime() - x.daysAgo * day).toISOString(),
      ...(x.withdrawnDaysAgo !== undefined && { withdrawnAt: new Date(NOW.getTime() - x.withdrawnDaysAgo * day).toISOString() }),
    })),
    ...(c.withdrawnDaysAgo !== undefined && { withdrawnAt: new Date(NOW.getTime() - c.withdrawnDaysAgo * day).toISOString(), withdrawnBy: 'xz-civil-affairs' }),
  };
}

const covers = (c: Consent) => c.recipients.some((r) => ('agencyId' in r ? r.agencyId === reader.agencyId : r.agencyType === reader.agencyType));

/** The rule, restated independently of the gate: holder H's data opens only under a consent H recorded or confirmed (civil affairs as guardian excepted). */
const bindsHolder = (c: Consent, holder: string) =>
  c.recordedBy === holder ||
  c.grantorType === 'civil_affairs_guardian' ||
  (c.confirmations ?? []).some(
    (x) => x.agencyId === holder && Date.parse(x.confirmedAt) <= NOW.getTime() && !(x.withdrawnAt && Date.parse(x.withdrawnAt) <= NOW.getTime()),
  );

describe('consent gate (domain)', () => {
  it('never returns a field of another agency outside an active consent for this reader and purpose that this holder recorded or confirmed, and returns every field inside one (property)', async () => {
    const { deps } = await fixture();
    await fc.assert(
      fc.asyncProperty(fc.array(consentArb, { maxLength: 4 }), fc.constantFrom(...PURPOSES), async (raw, purpose: Purpose) => {
        const consents = raw.map(toConsent);
        const { view } = await viewCase(deps(consents), reader, 'case_X', purpose);
        for (const holder of holders) {
          const allowed = new Set(
            consents
              .filter((c) => consentStatus(c, NOW) === 'active' && covers(c) && c.purposes.includes(purpose) && bindsHolder(c, holder.agencyId))
              .flatMap((c) => c.dataCategories),
          );
          const returned = Object.keys(view.records.find((r) => !r.own && r.recordId === recordIdOf(holder.agencyId))?.fields ?? {}) as ChildRecordField[];
          // Nothing outside a consent that binds this holder, and everything inside one.
          for (const field of returned) expect(allowed.has(FIELD_CATEGORIES[field])).toBe(true);
          expect(new Set(returned.map((f) => FIELD_CATEGORIES[f]))).toEqual(allowed);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a consent the reader recorded itself never opens another holder’s records until that holder confirms it (property)', async () => {
    const { deps } = await fixture();
    await fc.assert(
      fc.asyncProperty(consentArb, fc.constantFrom(...PURPOSES), async (raw, purpose: Purpose) => {
        const self = toConsent({ ...raw, recordedBy: 'xz-education', confirmations: [] }, 1);
        const { view } = await viewCase(deps([self]), reader, 'case_X', purpose);
        expect(view.records.filter((r) => !r.own)).toEqual([]);
        const confirmed = { ...self, confirmations: [{ agencyId: 'xz-health', confirmedAt: new Date(NOW.getTime() - day).toISOString() }] };
        const after = await viewCase(deps([confirmed]), reader, 'case_X', purpose);
        const opened = after.view.records.filter((r) => !r.own).map((r) => r.recordId);
        const inForce = consentStatus(self, NOW) === 'active' && covers(self) && self.purposes.includes(purpose);
        expect(opened).toEqual(inForce ? [recordIdOf('xz-health')] : []);
      }),
      { numRuns: 200 },
    );
  });

  it('decrypts only allowed fields, and unwraps no key for a record that is withheld entirely', async () => {
    const { deps, keyring, opened } = await fixture();
    const identityOnly = toConsent(
      {
        purposes: ['assessment'],
        dataCategories: ['identity'],
        recipients: [{ agencyType: 'education' }],
        fromDays: -1,
        lengthDays: 10,
        withdrawnDaysAgo: undefined,
        recordedBy: 'xz-civil-affairs',
        civilAffairsGuardian: false,
        confirmations: [{ agencyId: 'xz-health', daysAgo: 1, withdrawnDaysAgo: undefined }],
      },
      1,
    );
    const { view } = await viewCase(deps([identityOnly]), reader, 'case_X', 'assessment');
    // Two holders' identity fields and the reader's own record: three opens, nothing else.
    const identityFields = (Object.keys(FIELD_CATEGORIES) as ChildRecordField[]).filter((f) => FIELD_CATEGORIES[f] === 'identity');
    expect(opened.filter((o) => o.every((f) => identityFields.includes(f as ChildRecordField)))).toHaveLength(2);
    expect(opened).toHaveLength(3);
    expect(view.withheld.some((w) => w.category === 'diagnosis_treatment')).toBe(true);

    opened.length = 0;
    const unwrapsBefore = keyring.calls.decryptDataKey;
    await viewCase(deps([]), reader, 'case_X', 'assessment');
    expect(opened).toHaveLength(1); // own record only
    expect(keyring.calls.decryptDataKey - unwrapsBefore).toBe(1);
  });
});
