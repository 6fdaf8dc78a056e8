/**
 * The care and consent stores as the child's file sees them (docs/care-loop.md, "After a merge or a split"): every
 * read of a case's care data, consents or emergency grants reads the whole file (the case and the former cases it
 * holds, lambdas/domain/cases/case-file.ts) and answers as the store would for one case; every write of an item
 * that exists goes to the case it was recorded in; every create goes to the case it names. Wrapped once, in
 * lambdas/runtime.ts, so each use case, the consent gate and the archive read the same file without knowing it.
 *
 * Where the child stands is one answer for the file: the latest identification or assessment of any of its cases
 * (by the same order as one case's STATE item), and the key-recipient status of the file (active while an episode
 * of any of its cases is active: a child enrolled twice before the merge shows the first such episode until the
 * coordinating role exits it, then the other).
 */
import type { Assessment, AssessmentState, KeyRecipientEpisode, KeyRecipientStatus } from '../../../schemas/entities/care';
import type { ConsentStore } from '../consent/ports';
import { basisOf, stateOf } from './assessments';
import type { CareDeps } from './care-deps';
import type { AssessmentStore, CareTeamStore, KeyRecipientStore, RiskLevels } from './ports';

/** The cases of a file, the case asked about first. */
export interface FileOf {
  fileOf(caseId: string): Promise<string[]>;
}

const desc =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0;
const asc =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** One case's answer when the file is that case alone (behaviour unchanged); else the union, in `order` when given. */
async function union<T>(files: FileOf, caseId: string, read: (id: string) => Promise<T[]>, order?: (a: T, b: T) => number): Promise<T[]> {
  const ids = await files.fileOf(caseId);
  if (ids.length === 1) return read(caseId);
  const all = (await Promise.all(ids.map(read))).flat();
  return order ? all.sort(order) : all;
}

/** The care stores a file spans (those of CareDeps). */
export type CareStores = Pick<CareDeps, 'agreements' | 'careTeams' | 'carePlans' | 'contacts' | 'referrals' | 'assessments' | 'keyRecipients'>;

export function fileScopedCare(files: FileOf, s: CareStores): CareStores & { readonly riskLevels: RiskLevels } {
  const assessments: AssessmentStore = {
    create: (a, claim) => s.assessments.create(a, claim),
    forCase: (caseId) => union(files, caseId, (id) => s.assessments.forCase(id), desc<Assessment>(basisOf)),
    async state(caseId) {
      const ids = await files.fileOf(caseId);
      if (ids.length === 1) return s.assessments.state(caseId);
      // The latest entry of the file, as one case's STATE item holds its own latest.
      const latest = (await assessments.forCase(caseId))[0];
      return latest ? stateOf(latest) : ({ state: 'never_assessed' } satisfies AssessmentState);
    },
    setState: (caseId, state, basis) => s.assessments.setState(caseId, state, basis),
  };
  const episodes = (caseId: string) => union(files, caseId, (id) => s.keyRecipients.episodes(id));
  const keyRecipients: KeyRecipientStore = {
    async status(caseId) {
      const ids = await files.fileOf(caseId);
      if (ids.length === 1) return s.keyRecipients.status(caseId);
      const statuses = await Promise.all(ids.map((id) => s.keyRecipients.status(id)));
      const active = statuses.filter((x) => x.status === 'active').sort(asc((x) => x.since ?? ''))[0];
      if (active) return active;
      const exited = statuses.filter((x) => x.status === 'exited').sort(desc((x) => x.since ?? ''))[0];
      return exited ?? ({ status: 'never' } satisfies KeyRecipientStatus);
    },
    episodes,
    active: () => s.keyRecipients.active(),
    enrol: async (episode, claim) => {
      // At most one active episode per child: one in another case of the file counts (the store checks its own case).
      const status = await keyRecipients.status(episode.caseId);
      if (status.status === 'active' && status.episodeId !== episode.episodeId) {
        const mine = (await s.keyRecipients.episodes(episode.caseId)).some((e) => e.episodeId === status.episodeId);
        if (!mine) return { created: false, taken: true };
      }
      return s.keyRecipients.enrol(episode, claim);
    },
    exit: async (caseId, episodeId, exited) => {
      const episode = (await episodes(caseId)).find((e: KeyRecipientEpisode) => e.episodeId === episodeId);
      return s.keyRecipients.exit(episode?.caseId ?? caseId, episodeId, exited);
    },
  };
  const careTeams: CareTeamStore = {
    create: (m, claim) => s.careTeams.create(m, claim),
    forCase: (caseId) => union(files, caseId, (id) => s.careTeams.forCase(id)),
    end: async (caseId, memberId, ended) => {
      const member = (await careTeams.forCase(caseId)).find((m) => m.memberId === memberId);
      return s.careTeams.end(member?.caseId ?? caseId, memberId, ended);
    },
  };
  return {
    agreements: {
      create: (a, claim) => s.agreements.create(a, claim),
      forCase: (caseId) =>
        union(
          files,
          caseId,
          (id) => s.agreements.forCase(id),
          desc((x: { agreedAt: string }) => x.agreedAt),
        ),
    },
    careTeams,
    carePlans: {
      create: (p, claim) => s.carePlans.create(p, claim),
      putVersion: (p, claim) => s.carePlans.putVersion(p, claim),
      forCase: (caseId) =>
        union(
          files,
          caseId,
          (id) => s.carePlans.forCase(id),
          asc((v) => `${v.planId}#${String(v.version).padStart(6, '0')}`),
        ),
      claimOf: (agencyId, key) => s.carePlans.claimOf(agencyId, key),
    },
    contacts: {
      create: (c, claim) => s.contacts.create(c, claim),
      forCase: (caseId) =>
        union(
          files,
          caseId,
          (id) => s.contacts.forCase(id),
          desc((c) => `${c.contactedAt}#${c.contactId}`),
        ),
    },
    referrals: {
      create: (r, claim) => s.referrals.create(r, claim),
      caseOf: (referralId) => s.referrals.caseOf(referralId),
      get: (caseId, referralId) => s.referrals.get(caseId, referralId),
      forCase: (caseId) => union(files, caseId, (id) => s.referrals.forCase(id)),
      transitions: (caseId, referralId) => s.referrals.transitions(caseId, referralId),
      transition: (next, move, expectedVersion) => s.referrals.transition(next, move, expectedVersion),
      list: (agencyId, as, options) => s.referrals.list(agencyId, as, options),
    },
    assessments,
    keyRecipients,
    riskLevels: {
      async latestLevel(caseId) {
        const st = await assessments.state(caseId);
        return st.state === 'assessed' ? st.riskLevel : undefined;
      },
    },
  };
}

/**
 * Consents and emergency grants of the file: a consent recorded under a former case of the child counts for the
 * child, on its own terms (purposes, categories, recipients, validity, the holders that recorded or confirmed it);
 * its withdrawal and confirmations are written beside it, in the case it was recorded in.
 */
export function fileScopedConsents(files: FileOf, s: ConsentStore): ConsentStore {
  const forCase = async (caseId: string) => {
    const ids = await files.fileOf(caseId);
    if (ids.length === 1) return s.forCase(caseId);
    const parts = await Promise.all(ids.map((id) => s.forCase(id)));
    return { consents: parts.flatMap((p) => p.consents), emergencies: parts.flatMap((p) => p.emergencies) };
  };
  /** The case a consent was recorded in, if it is in this file. */
  const homeOf = async (caseId: string, consentId: string) => (await forCase(caseId)).consents.find((c) => c.consentId === consentId)?.caseId ?? caseId;
  return {
    put: (consent) => s.put(consent),
    get: async (caseId, consentId) => (await forCase(caseId)).consents.find((c) => c.consentId === consentId),
    caseOf: (consentId) => s.caseOf(consentId),
    withdraw: async (caseId, consentId, at, by, sealedReason) => s.withdraw(await homeOf(caseId, consentId), consentId, at, by, sealedReason),
    confirm: async (caseId, consentId, agencyId, at) => s.confirm(await homeOf(caseId, consentId), consentId, agencyId, at),
    withdrawConfirmation: async (caseId, consentId, agencyId, at) => s.withdrawConfirmation(await homeOf(caseId, consentId), consentId, agencyId, at),
    putEmergency: (grant) => s.putEmergency(grant),
    forCase,
    bundle: async (caseId) => {
      const ids = await files.fileOf(caseId);
      if (ids.length === 1) return s.bundle(caseId);
      const [own, file] = await Promise.all([s.bundle(caseId), forCase(caseId)]);
      return { members: own.members, ...file };
    },
  };
}
