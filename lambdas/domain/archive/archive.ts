/**
 * One person, one file (一人一档; issue 10, point 6): everything the hub keeps about a child's care, in one export,
 * as one reader may see it under one declared purpose. Tibet's file lists the forms: the file form (档案表), the
 * identification and assessment forms (识别表, 评估表), observation and interview records, referral and follow-up
 * records; Putuo's closed loop adds care plans, the care team and the key-recipient episodes; the service
 * agreements and data consents that allow it all close the file.
 *
 * The archive is not a new way in: a holder of the case takes it under a purpose that must be established
 * (`establishPurpose`), and every section goes through the same rule its own route uses, the consent gate for
 * that purpose above all. Own items are shown in full; others' as consent allows; what is withheld is listed with
 * the reason and never decrypted. Referrals are shown to their two parties only, care plans to their participants
 * only (as on their routes). The result is deterministic: no clock reading, every list in a fixed order, so the
 * same state gives the same bytes (lambdas/domain/archive/archive-files.ts).
 */
import type { Purpose } from '../../../schemas/entities/consents';
import { listAssessments } from '../care/assessments';
import { listAgreements } from '../care/agreements';
import type { CareDeps } from '../care/care-deps';
import { caseCare } from '../care/care-purpose';
import { planView, plansOf } from '../care/care-plans';
import { listCareTeam } from '../care/care-team';
import { gatedContacts } from '../care/contacts';
import { listEpisodes } from '../care/key-recipients';
import { referralView } from '../care/referrals';
import { viewCase } from '../consent/case-view';
import { type ConsentDeps, listConsents, requireHolder } from '../consent/consent-service';
import type { Reader } from '../consent/gate';

export interface ArchiveDeps {
  readonly consent: ConsentDeps;
  readonly care: CareDeps;
}

/** The archive's layout version: a change of sections or columns is a new version. */
export const ARCHIVE_VERSION = 1;

/** The sections of the file, in order; each names the disclosure category the access report shows for it. */
export const ARCHIVE_SECTIONS = ['file', 'assessments', 'contacts', 'referrals', 'carePlans', 'careTeam', 'keyRecipient', 'agreements', 'consents'] as const;
export type ArchiveSection = (typeof ARCHIVE_SECTIONS)[number];

interface SectionDisclosure {
  readonly legalBasis?: readonly string[];
  readonly consentIds?: readonly string[];
  readonly disclosed: readonly { readonly agency: string; readonly categories: readonly string[] }[];
  readonly withheld?: readonly { readonly agency: string; readonly category: string; readonly reason: string }[];
}

/** What the export disclosed, for its one audit event and the case's access report (holders by agency id). */
export interface ArchiveDisclosure {
  readonly purpose: Purpose;
  readonly export: 'case_archive';
  readonly legalBasis: readonly string[];
  readonly consentIds: readonly string[];
  readonly disclosed: readonly { readonly agency: string; readonly categories: readonly string[] }[];
  readonly withheld: readonly { readonly agency: string; readonly category: string; readonly reason: string }[];
  readonly sections: readonly ArchiveSection[];
}

const byText =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * The child's file for a holder of the case, under its declared purpose. Throws NOT_FOUND for anyone else (as for
 * an unknown case) and PURPOSE_NOT_ESTABLISHED when the purpose is not established.
 */
export async function buildArchive(deps: ArchiveDeps, reader: Reader, caseId: string, purpose: Purpose) {
  const members = await requireHolder(deps.consent, reader, caseId);
  const holders = members.map((m) => m.agencyId);
  // The case view establishes the purpose (the one rule) before anything is read.
  const file = await viewCase(deps.consent, reader, caseId, purpose);
  const [assessments, contacts, referrals, care, careTeam, keyRecipient, agreements, consents] = await Promise.all([
    listAssessments(deps.care, { ...reader, purpose }, caseId),
    gatedContacts(deps.care, reader, caseId, purpose, holders),
    deps.care.referrals.forCase(caseId),
    caseCare(deps.care, caseId),
    listCareTeam(deps.care, reader, caseId),
    listEpisodes(deps.care, reader, caseId),
    listAgreements(deps.care, reader, caseId),
    listConsents(deps.consent, reader, caseId),
  ]);

  const mine = referrals.filter((r) => r.requester === reader.agencyId || r.owner === reader.agencyId).sort(byText((r) => `${r.createdAt}|${r.referralId}`));
  const referralItems = await Promise.all(mine.map((r) => referralView(deps.care, reader, r, { transitions: true })));
  const plans = plansOf(care, reader);
  const planItems = await Promise.all(
    plans.mine
      .sort(byText((vs) => vs[0]!.planId))
      .map(async (vs) => ({ planId: vs[0]!.planId, versions: await Promise.all(vs.map((v) => planView(deps.care, v))) })),
  );

  const archive = {
    archiveVersion: ARCHIVE_VERSION,
    caseId,
    purpose,
    file: file.view,
    assessments: assessments.view,
    contacts: contacts.view,
    referrals: {
      items: referralItems,
      note: 'Referrals between other agencies are shown only to their two parties. 其他机构之间的转介仅对转介双方可见。',
    },
    carePlans: { items: planItems, withheld: plans.withheld.sort(byText((w) => w.planId)) },
    careTeam: careTeam.view,
    keyRecipient,
    agreements: agreements.view,
    consents: {
      consents: [...consents.consents].sort(byText((c) => `${c.recordedAt}|${c.consentId}`)),
      emergencies: [...consents.emergencies].sort(byText((e) => `${e.openedAt}|${e.grantId}`)),
    },
  };

  const sections: [ArchiveSection, SectionDisclosure][] = [
    ['file', file.disclosure],
    ['assessments', assessments.disclosure],
    ['contacts', contacts.disclosure],
    [
      'referrals',
      {
        legalBasis: ['referral_party'],
        disclosed: mine.map((r) => ({ agency: r.requester === reader.agencyId ? r.owner : r.requester, categories: ['referral'] })),
      },
    ],
    [
      'carePlans',
      { legalBasis: ['care_plan_participant'], disclosed: plans.mine.flatMap((vs) => vs.map((v) => ({ agency: v.author, categories: ['care_plan'] }))) },
    ],
    ['careTeam', careTeam.disclosure],
    [
      'keyRecipient',
      { legalBasis: ['case_holder'], disclosed: keyRecipient.episodes.length > 0 ? [{ agency: reader.agencyId, categories: ['key_recipient'] }] : [] },
    ],
    ['agreements', agreements.disclosure],
    ['consents', { legalBasis: ['case_holder'], disclosed: consents.consents.length > 0 ? [{ agency: reader.agencyId, categories: ['consent'] }] : [] }],
  ];
  return { archive, disclosure: mergeDisclosures(purpose, sections), recordIds: file.recordIds };
}

export type CaseArchive = Awaited<ReturnType<typeof buildArchive>>['archive'];

/** The sections' disclosures as one: each agency once with every category disclosed of it, in a fixed order. */
function mergeDisclosures(purpose: Purpose, sections: readonly [ArchiveSection, SectionDisclosure][]): ArchiveDisclosure {
  const bases = new Set<string>();
  const consentIds = new Set<string>();
  const categories = new Map<string, Set<string>>();
  const withheld: ArchiveDisclosure['withheld'][number][] = [];
  for (const [, d] of sections) {
    for (const b of d.legalBasis ?? []) bases.add(b);
    for (const id of d.consentIds ?? []) consentIds.add(id);
    for (const x of d.disclosed) for (const c of x.categories) (categories.get(x.agency) ?? categories.set(x.agency, new Set()).get(x.agency)!).add(c);
    withheld.push(...(d.withheld ?? []));
  }
  const key = (w: ArchiveDisclosure['withheld'][number]) => `${w.agency}|${w.category}|${w.reason}`;
  return {
    purpose,
    export: 'case_archive',
    legalBasis: [...bases].sort(),
    consentIds: [...consentIds].sort(),
    disclosed: [...categories].sort(byText(([a]) => a)).map(([agency, cs]) => ({ agency, categories: [...cs].sort() })),
    withheld: [...new Map(withheld.map((w) => [key(w), w])).values()].sort(byText(key)),
    sections: sections.filter(([, d]) => d.disclosed.length > 0).map(([s]) => s),
  };
}
