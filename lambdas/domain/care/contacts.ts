/**
 * Follow-up contacts (定期随访; docs/care-loop.md): home and school visits, talks, calls and group activities,
 * who was interviewed, an outcome code, sealed notes. Written under the `follow_up` purpose by an agency whose
 * care establishes it (care-purpose.ts). Each contact stores when the next one is due: the interval of the
 * child's latest risk level (province config `care.followUpIntervalDays`). Read like everything else: own contacts
 * in full, others' through the consent gate (category `assessment`: observation and interview records), the
 * withheld ones listed with the reason and never decrypted.
 */
import type { ContactInput } from '../../../schemas/contacts';
import type { FollowUpContact } from '../../../schemas/entities/care';
import type { Purpose } from '../../../schemas/entities/consents';
import { NotFoundError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import { decideCategories, holderLabels, type Reader } from '../consent/gate';
import { type CareDeps, careNow, claimFor, type CreateRequest, settleCreate } from './care-deps';
import { caseCare, carePurposeHolds, purposeNotEstablished, requirePurpose } from './care-purpose';
import { scheduleWork } from './worklist';

const DAY_MS = 86_400_000;

/** When the next contact is due after one at `contactedAt`, for the child's latest risk level. */
export function nextContactDue(care: CareDeps['care'], contactedAt: string, riskLevel: string | undefined): string {
  const days = (riskLevel !== undefined ? care.followUpIntervalDays[riskLevel] : undefined) ?? care.followUpUnassessedDays;
  return new Date(Date.parse(contactedAt) + days * DAY_MS).toISOString();
}

const sealing = (deps: CareDeps, c: Pick<FollowUpContact, 'agencyId' | 'contactId'>) =>
  [
    { province: deps.province, agency: c.agencyId, table: 'care' },
    { table: 'care', recordId: c.contactId, schemaVersion: 1 },
  ] as const;

export async function recordContact(deps: CareDeps, reader: Reader & { purpose?: Purpose }, caseId: string, input: ContactInput, request: CreateRequest) {
  requirePurpose(reader.purpose, 'follow_up');
  const care = await caseCare(deps, caseId);
  if (!care.holders.has(reader.agencyId) && !care.team.has(reader.agencyId)) throw new NotFoundError('No such case');
  if (!carePurposeHolds(care, reader)) throw purposeNotEstablished('follow_up');
  const now = careNow(deps);
  const contactId = derivedId('fup', caseId, reader.agencyId, request.key);
  const riskLevel = await deps.riskLevels.latestLevel(caseId);
  const contactedAt = new Date(input.contactedAt).toISOString();
  const [context, binding] = sealing(deps, { agencyId: reader.agencyId, contactId });
  const contact: FollowUpContact = {
    contactId,
    caseId,
    kind: input.kind,
    interviewed: input.interviewed,
    outcome: input.outcome,
    contactedAt,
    nextDue: nextContactDue(deps.care, contactedAt, riskLevel),
    ...(riskLevel !== undefined && { riskLevel }),
    agencyId: reader.agencyId,
    staffId: input.staffId,
    recordedAt: now.toISOString(),
    ...(input.notes && { sealed: JSON.stringify(await deps.cipher.seal(context, binding, { notes: input.notes })) }),
  };
  const settled = settleCreate(await deps.contacts.create(contact, claimFor(reader, request, caseId, contactId, now)), request);
  const stored = settled.created ? contact : (await deps.contacts.forCase(caseId)).find((c) => c.contactId === settled.resourceId);
  if (!stored) throw new NotFoundError('No such contact');
  // The case's next contact is due then, and is now this agency's to make (a later contact, by anyone, moves it).
  await scheduleWork(deps, {
    agencyId: stored.agencyId,
    kind: 'follow_up_contact_due',
    caseId,
    subjectId: caseId,
    due: stored.nextDue,
    basis: stored.contactedAt,
    ...(stored.riskLevel && { detail: { riskLevel: stored.riskLevel } }),
  });
  return { contact: await contactView(deps, stored, (a) => a, true), created: settled.created };
}

async function contactView(deps: CareDeps, c: FollowUpContact, label: (agencyId: string) => string, own: boolean) {
  const { sealed, staffId, recordedAt: _r, ...codes } = c;
  const notes = sealed ? (await deps.cipher.open(...sealing(deps, c), JSON.parse(sealed), ['notes'])).notes : undefined;
  return { ...codes, agencyId: label(c.agencyId), ...(own && { staffId }), ...(typeof notes === 'string' && { notes }) };
}

export async function listContacts(deps: CareDeps, reader: Reader & { purpose?: Purpose }, caseId: string) {
  requirePurpose(reader.purpose, 'follow_up');
  const care = await caseCare(deps, caseId);
  if (!care.holders.has(reader.agencyId) && !care.team.has(reader.agencyId)) throw new NotFoundError('No such case');
  if (!carePurposeHolds(care, reader)) throw purposeNotEstablished('follow_up');
  return gatedContacts(deps, reader, caseId, 'follow_up', [...care.holders]);
}

/**
 * A case's contacts under one purpose, as the consent gate lets the reader see them (the caller has checked the
 * reader may read the case under that purpose): own in full, others' when consent covers observation and
 * interview records (`assessment`) for it; the withheld ones listed and never decrypted.
 */
export async function gatedContacts(deps: CareDeps, reader: Reader, caseId: string, purpose: Purpose, holders: readonly string[]) {
  const now = careNow(deps);
  const [contacts, { consents, emergencies }] = await Promise.all([deps.contacts.forCase(caseId), deps.consents.forCase(caseId)]);
  const labels = holderLabels({ reader, holders, consents, emergencies, now });
  const items = [];
  const withheld = [];
  const bases = new Set<string>();
  const disclosed = new Map<string, string[]>();
  for (const c of contacts) {
    const [decision] = decideCategories({ reader, purpose, holderAgencyId: c.agencyId, categories: ['assessment'], consents, emergencies, now });
    if (!decision!.allowed) {
      withheld.push({ contactId: c.contactId, agencyId: labels.label(c.agencyId), reason: decision!.reason! });
      continue;
    }
    bases.add(decision!.basis!);
    disclosed.set(c.agencyId, ['follow_up_contact']);
    items.push(await contactView(deps, c, labels.label, c.agencyId === reader.agencyId));
  }
  const latest = contacts[0];
  return {
    view: { caseId, ...(latest && { nextDue: latest.nextDue }), items, withheld },
    disclosure: {
      purpose,
      legalBasis: [...bases],
      disclosed: [...disclosed].map(([agency, categories]) => ({ agency, categories })),
      withheld: withheld.map((w) => ({ agency: w.agencyId, category: 'assessment', reason: w.reason })),
    },
  };
}
