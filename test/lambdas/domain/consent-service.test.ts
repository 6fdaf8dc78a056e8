/**
 * Consent use cases against in-memory implementations of the domain's ports (lambdas/domain/consent/ports.ts),
 * with faults injected into the notification store: a retried request repairs what a crash between two writes
 * left out, and never doubles anything.
 */
import { everyPurposeEstablished } from '../../support/purposes';
import { describe, expect, it } from 'vitest';
import type { CaseMember } from '../../../schemas/entities/cases';
import type { StoredConsent } from '../../../schemas/entities/consents';
import type { Notification } from '../../../schemas/entities/notifications';
import { FieldCipher } from '../../../lambdas/crypto/field-cipher';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';
import { confirmConsent, type ConsentDeps, recordConsent, withdrawConsent } from '../../../lambdas/domain/consent/consent-service';
import type { ConsentStore, NotificationStore } from '../../../lambdas/domain/consent/ports';
import { consentBody } from '../../../schemas/consent';

const CASE = 'case_0000000000000000000000000A';
const members: CaseMember[] = ['xz-civil-affairs', 'xz-health', 'xz-education'].map((agencyId, i) => ({
  caseId: CASE,
  recordId: `rec_${String(i).padStart(26, '0')}`,
  agencyId,
  agencyType: agencyId.slice(3).replace('-', '_'),
  joinedAt: '2026-01-01T00:00:00.000Z',
  how: 'auto',
  categories: [],
  regions: [],
}));

/** The consent store, in memory, with the same conditional-write semantics as lambdas/data/consents-table.ts. */
function memoryConsents(): ConsentStore {
  const consents = new Map<string, StoredConsent>();
  const withdrawals = new Map<string, { withdrawnAt: string; withdrawnBy: string }>();
  const confirmations = new Map<string, { agencyId: string; confirmedAt: string; withdrawnAt?: string }>();
  const full = (c: StoredConsent): StoredConsent => ({
    ...c,
    ...withdrawals.get(c.consentId),
    confirmations: [...confirmations.entries()].filter(([k]) => k.startsWith(`${c.consentId}#`)).map(([, v]) => v),
  });
  return {
    put: async (c) => {
      if (consents.has(c.consentId)) return false;
      consents.set(c.consentId, c);
      return true;
    },
    get: async (_caseId, id) => (consents.has(id) ? full(consents.get(id)!) : undefined),
    caseOf: async (id) => consents.get(id)?.caseId,
    withdraw: async (_caseId, id, at, by) => {
      if (withdrawals.has(id)) return false;
      withdrawals.set(id, { withdrawnAt: at, withdrawnBy: by });
      return true;
    },
    confirm: async (_caseId, id, agencyId, at) => {
      const current = confirmations.get(`${id}#${agencyId}`);
      if (current && !current.withdrawnAt) return false;
      confirmations.set(`${id}#${agencyId}`, { agencyId, confirmedAt: at });
      return true;
    },
    withdrawConfirmation: async (_caseId, id, agencyId, at) => {
      const current = confirmations.get(`${id}#${agencyId}`);
      if (!current) return 'absent';
      if (current.withdrawnAt) return 'already';
      confirmations.set(`${id}#${agencyId}`, { ...current, withdrawnAt: at });
      return 'withdrawn';
    },
    putEmergency: async () => undefined,
    forCase: async () => ({ consents: [...consents.values()].map(full), emergencies: [] }),
    bundle: async () => ({ members, consents: [...consents.values()].map(full), emergencies: [] }),
  };
}

/** Notifications in memory, keyed as the table keys them; `failOn` makes the Nth write throw (a crash mid-request). */
function memoryNotifications(failOn?: number) {
  const stored = new Map<string, Omit<Notification, 'notificationId'>>();
  let writes = 0;
  const store: NotificationStore = {
    notify: async (n, key) => {
      writes++;
      if (writes === failOn) throw new Error('connection reset');
      stored.set(key ?? `${writes}`, n);
    },
    forRecipient: async (recipient) => [...stored.entries()].filter(([, n]) => n.recipient === recipient).map(([id, n]) => ({ notificationId: id, ...n })),
    notifyOnce: async (key, n) => {
      if (stored.has(key)) return false;
      stored.set(key, n);
      return true;
    },
  };
  return { store, stored };
}

function deps(notifications: NotificationStore): ConsentDeps {
  return {
    province: '540000',
    coordinatingAgencyType: 'civil_affairs',
    emergencyHours: 72,
    consents: memoryConsents(),
    cases: { members: async () => members, ledgerRow: async () => undefined },
    caseFiles: { currentOf: async (caseId: string) => caseId },
    records: { getHead: async () => undefined },
    notifications,
    cipher: new FieldCipher(new LocalKeyring(generateLocalKeyMaterial())),
    agencyName: (id) => ({ zh: id, en: id }),
    assessments: { state: async () => ({ state: 'never_assessed' as const }) },
    purposes: everyPurposeEstablished('xz-education', () => members, new Date()),
  };
}

const input = consentBody.parse({
  caseId: CASE,
  grantor: { type: 'guardian', name: '卓玛', relation: 'mother' },
  purposes: ['assessment'],
  dataCategories: ['identity'],
  recipients: [{ agencyType: 'education' }],
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2099-01-01T00:00:00Z',
  evidence: { documentRef: 'doc', sha256: 'AB'.repeat(32), collectedBy: 'w', collectedAt: '2026-01-01T00:00:00Z' },
});
const education = { agencyId: 'xz-education', agencyType: 'education' as const };
const health = { agencyId: 'xz-health', agencyType: 'health' as const };

describe('consent use cases: retries and crashes', () => {
  it('a retry after a crash between the consent write and its notifications repairs them, once each', async () => {
    const { store, stored } = memoryNotifications(2);
    const d = deps(store);
    await expect(recordConsent(d, education, input)).rejects.toThrow('connection reset');
    const retry = await recordConsent(d, education, input);
    expect(retry.created).toBe(false);
    expect(retry.consent.evidenceSha256).toBe('ab'.repeat(32));
    const notes = [...stored.values()];
    expect(notes.map((n) => n.recipient).sort()).toEqual(['xz-civil-affairs', 'xz-health']);
    expect(notes.every((n) => n.kind === 'consent_recorded' && n.consentId === retry.consent.consentId && n.at === retry.consent.recordedAt)).toBe(true);
    await recordConsent(d, education, input);
    expect(stored.size).toBe(2);
  });

  it('a retried withdrawal answers the first withdrawal and repairs its notifications', async () => {
    const { store, stored } = memoryNotifications(3);
    const d = deps(store);
    const { consent } = await recordConsent(d, education, input);
    await expect(withdrawConsent(d, health, CASE, consent.consentId)).rejects.toThrow('connection reset');
    const again = await withdrawConsent(d, health, CASE, consent.consentId);
    const withdrawals = [...stored.values()].filter((n) => n.kind === 'consent_withdrawn');
    expect(withdrawals.map((n) => n.recipient).sort()).toEqual(['xz-civil-affairs', 'xz-education']);
    expect(withdrawals.every((n) => n.at === again.withdrawnAt)).toBe(true);
    expect((await withdrawConsent(d, education, CASE, consent.consentId)).withdrawnAt).toBe(again.withdrawnAt);
  });

  it('confirming twice keeps the first confirmation; taking it back twice keeps the first withdrawal', async () => {
    const d = { ...deps(memoryNotifications().store), now: () => new Date('2026-06-01T00:00:00Z') };
    const { consent } = await recordConsent(d, education, input);
    const first = await confirmConsent(d, health, CASE, consent.consentId);
    const second = await confirmConsent({ ...d, now: () => new Date('2026-06-02T00:00:00Z') }, health, CASE, consent.consentId);
    expect(second).toEqual(first);
    const back = await confirmConsent({ ...d, now: () => new Date('2026-06-03T00:00:00Z') }, health, CASE, consent.consentId, true);
    const backAgain = await confirmConsent({ ...d, now: () => new Date('2026-06-04T00:00:00Z') }, health, CASE, consent.consentId, true);
    expect(backAgain).toEqual(back);
    expect(back).toEqual({ confirmation: 'withdrawn', at: '2026-06-03T00:00:00.000Z' });
  });
});
