/**
 * Incremental matching in the hub: a newly published record is filed under its
 * blind blocking keys, compared with the candidates those keys find (decrypting
 * only the fields matching needs), and then joins an existing case (auto),
 * opens a new case with a review item (review), or opens a new case (new).
 * The same Scorer, vetoes and constraints as the offline list merge.
 */
import type { AgencyType, ChildRecordV1 } from '../../../schemas/child-record';
import type { BlindIndexer } from '../../crypto/blind-index';
import type { FieldCipher } from '../../crypto/field-cipher';
import type { CasesTable } from '../../data/cases-table';
import type { CaseMember, ReviewItem } from '../../../schemas/entities/cases';
import type { NotificationsTable } from '../../data/notifications-table';
import type { RecordsTable } from '../../data/records-table';
import { randomId } from '../../shared/ids';
import { blockingKeys } from '../matching/blocking';
import type { MatchRecord } from '../matching/match-record';
import type { MatchModel, NameFrequencies } from '../matching/model';
import { MIN_RECORDS_FOR_FREQUENCIES } from '../matching/merge';
import { Scorer, type PairScore } from '../matching/scorer';
import { ledgerRowOf } from './ledger-row';
import { matchRecordOf, openForMatching } from './match-view';

export interface LinkDeps {
  readonly province: string;
  readonly records: Pick<RecordsTable, 'getHead' | 'putBlockingKeys' | 'blockMembers' | 'setCase' | 'bump' | 'counts'>;
  readonly cases: Pick<CasesTable, 'members' | 'write' | 'ledgerRow' | 'putReview'>;
  readonly cipher: FieldCipher;
  readonly index: BlindIndexer;
  readonly model: MatchModel;
  /** Tells the other holders of a case that a record joined it (without saying whose). */
  readonly notifications?: Pick<NotificationsTable, 'notify'>;
  readonly now?: () => Date;
}

export interface LinkInput {
  readonly recordId: string;
  readonly agencyId: string;
  readonly agencyType: AgencyType;
  readonly record: ChildRecordV1;
  /** From a list row whose identity number failed validation: offered to matching only. */
  readonly unverifiedIdNumber?: string;
}

export type LinkStatus = 'auto' | 'review' | 'new';

export interface LinkResult {
  readonly caseId: string;
  readonly link: LinkStatus;
  readonly reviewId?: string;
}

/** Most records read from one blocking key. */
const BLOCK_LIMIT = 50;
/** A competing case within this many bits makes the link ambiguous. */
const MARGIN = 4;
/** Vetoes that still deserve a person's look (the others are different children). */
const REVIEWABLE_VETOES = new Set(['WEAK_EVIDENCE', 'BIRTHDATE_CONFLICT', 'SEX_CONFLICT']);

interface Candidate {
  readonly recordId: string;
  readonly caseId: string;
  readonly agencyId: string;
  readonly view: MatchRecord;
  readonly score: PairScore;
}

export function memberOf(caseId: string, input: LinkInput, how: string, joinedAt: string): CaseMember {
  return {
    caseId,
    recordId: input.recordId,
    agencyId: input.agencyId,
    agencyType: input.agencyType,
    joinedAt,
    how,
    categories: input.record.categories,
    regions: [input.record.householdRegion, input.record.currentRegion].filter((r): r is string => !!r),
    ...(input.record.riskLevel && { riskLevel: input.record.riskLevel }),
  };
}

async function nameFrequencies(deps: LinkDeps, view: MatchRecord): Promise<{ tf?: NameFrequencies; counterKeys: string[] }> {
  const total = await deps.index.compute('name-frequency', 'total');
  if (!view.name) return { counterKeys: [total] };
  const text = await deps.index.compute('name-frequency', 't', view.name.text);
  const pinyin = await deps.index.compute('name-frequency', 'p', view.name.pinyin);
  const [n, t, p] = await deps.records.counts([total, text, pinyin]);
  const name = view.name;
  const tf: NameFrequencies | undefined =
    n! >= MIN_RECORDS_FOR_FREQUENCIES
      ? { text: (v) => (v === name.text ? (t! + 1) / n! : undefined), pinyin: (v) => (v === name.pinyin ? (p! + 1) / n! : undefined) }
      : undefined; // too few records yet for frequencies to mean anything
  return { ...(tf && { tf }), counterKeys: [total, text, pinyin] };
}

/** Scores a record against every member of a case; false on any conflict. */
async function compatibleWithCase(
  deps: LinkDeps,
  scorer: Scorer,
  view: MatchRecord,
  input: LinkInput,
  caseId: string,
  known: Map<string, Candidate>,
): Promise<boolean> {
  const members = await deps.cases.members(caseId);
  for (const member of members) {
    let other = known.get(member.recordId)?.view;
    if (!other) {
      const head = await deps.records.getHead(member.recordId);
      if (!head) continue;
      other = await openForMatching(deps.cipher, deps.province, head);
    }
    const sameValidId = view.id?.valid && other.id?.valid && view.id.value === other.id.value;
    if (member.agencyId === input.agencyId && !sameValidId) return false;
    const s = scorer.score(view, other);
    if (s.veto || s.weight < 0) return false;
  }
  return true;
}

export async function linkNewRecord(deps: LinkDeps, input: LinkInput): Promise<LinkResult> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const view = matchRecordOf(input.agencyId, input.record, input.unverifiedIdNumber);
  const blindKeys = await Promise.all(blockingKeys(view).map((k) => deps.index.compute('blocking', k)));
  const ids = new Set((await Promise.all(blindKeys.map((k) => deps.records.blockMembers(k, BLOCK_LIMIT)))).flat());
  ids.delete(input.recordId);

  const { tf, counterKeys } = await nameFrequencies(deps, view);
  const scorer = new Scorer(deps.model, tf);
  const candidates = new Map<string, Candidate>();
  for (const head of await Promise.all([...ids].map((id) => deps.records.getHead(id)))) {
    if (!head?.caseId) continue;
    const other = await openForMatching(deps.cipher, deps.province, head);
    candidates.set(head.recordId, { recordId: head.recordId, caseId: head.caseId, agencyId: head.agencyId, view: other, score: scorer.score(view, other) });
  }

  // Best candidate per case, best case first.
  const bestPerCase = new Map<string, Candidate>();
  for (const c of candidates.values()) {
    const seen = bestPerCase.get(c.caseId);
    if (!seen || c.score.weight > seen.score.weight) bestPerCase.set(c.caseId, c);
  }
  const ranked = [...bestPerCase.values()].sort((a, b) => b.score.weight - a.score.weight);
  const [best, second] = ranked;
  const { upper, lower } = deps.model.thresholds;

  let result: LinkResult | undefined;
  let review: Candidate | undefined;
  if (best && best.score.weight >= upper && !best.score.veto) {
    const ambiguous = second !== undefined && second.score.weight >= best.score.weight - MARGIN;
    if (!ambiguous && (await compatibleWithCase(deps, scorer, view, input, best.caseId, candidates))) {
      result = await joinCase(deps, input, best.caseId, now);
    } else {
      review = best;
    }
  } else if (best && best.score.weight >= lower && (!best.score.veto || REVIEWABLE_VETOES.has(best.score.veto))) {
    review = best;
  }

  result ??= await openCase(deps, input, now, review ? 'review' : 'new');
  if (review) {
    const reviewId = randomId('rev');
    const item: ReviewItem = {
      reviewId,
      status: 'pending',
      createdAt: now,
      recordId: input.recordId,
      caseId: result.caseId,
      candidateRecordId: review.recordId,
      candidateCaseId: review.caseId,
      weight: Math.round(review.score.weight * 100) / 100,
      levels: review.score.levels,
      explanation: JSON.stringify(scorer.explain(view, review.view)),
      modelVersion: deps.model.version,
    };
    await deps.cases.putReview(item);
    result = { ...result, reviewId };
  }
  await deps.records.setCase(input.recordId, result.caseId, result.link);
  await deps.records.putBlockingKeys(input.recordId, blindKeys);
  await deps.records.bump(counterKeys);
  return result;
}

async function joinCase(deps: LinkDeps, input: LinkInput, caseId: string, now: string): Promise<LinkResult> {
  const member = memberOf(caseId, input, 'auto', now);
  const existingMembers = await deps.cases.members(caseId);
  const members = [...existingMembers, member];
  const existing = await deps.cases.ledgerRow(caseId);
  await deps.cases.write({
    put: [member],
    ledger: [ledgerRowOf(caseId, members, existing?.createdAt ?? now, now)],
    events: [{ caseId, at: now, type: 'linked', recordIds: [input.recordId], byAgency: input.agencyId }],
  });
  // Hit / no-hit: the holders learn that another agency linked a record, so they can seek the guardian's consent.
  const holders = new Set(existingMembers.map((m) => m.agencyId).filter((a) => a !== input.agencyId));
  for (const recipient of holders) await deps.notifications?.notify({ recipient, at: now, kind: 'record_linked', caseId, severity: 'info' });
  return { caseId, link: 'auto' };
}

/** A new version changed the record's codes: refresh its member item and the ledger row. */
export async function refreshMember(deps: Pick<LinkDeps, 'cases' | 'now'>, input: LinkInput, caseId: string): Promise<void> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const members = await deps.cases.members(caseId);
  const old = members.find((m) => m.recordId === input.recordId);
  if (!old) return;
  const updated = { ...memberOf(caseId, input, old.how, old.joinedAt) };
  const next = members.map((m) => (m.recordId === input.recordId ? updated : m));
  const existing = await deps.cases.ledgerRow(caseId);
  await deps.cases.write({ put: [updated], ledger: [ledgerRowOf(caseId, next, existing?.createdAt ?? now, now)] });
}

async function openCase(deps: LinkDeps, input: LinkInput, now: string, link: LinkStatus): Promise<LinkResult> {
  const caseId = randomId('case');
  const member = memberOf(caseId, input, 'new', now);
  await deps.cases.write({
    put: [member],
    ledger: [ledgerRowOf(caseId, [member], now, now)],
    events: [{ caseId, at: now, type: 'created', recordIds: [input.recordId], byAgency: input.agencyId }],
  });
  return { caseId, link };
}
