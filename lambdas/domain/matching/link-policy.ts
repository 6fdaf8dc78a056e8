/**
 * The link policy: the one place that decides whether a record links to a
 * case automatically, goes to a person's review, or stays apart. The offline
 * list merge (merge.ts) and the hub (domain/cases/link-record.ts) both call it,
 * so the twin, conflict and ambiguity rules cannot drift apart. Pure.
 *
 * Precedence, for one scored pair of records (`pairVerdict`):
 * 0. the same valid 18-digit ID number and nothing that contradicts it (sex,
 *    birth date beyond a typo, an entirely different name): link, whatever the
 *    weight, never reviewed and never ambiguous (`idAgreementUncontradicted`);
 * 1. below the lower threshold: nothing (a different child);
 * 2. a veto that means two different children (two valid different ID numbers
 *    without name, birth date, sex and family all agreeing, `sameChildDespiteNumbers`;
 *    or the twin pattern: an entirely different name): nothing, in every band;
 * 3. below the upper threshold: nothing with any veto (a contradiction, a doubtful
 *    name, thin evidence), else review (`BAND`);
 * 4. any other veto (a different birth date or sex, a doubtful name, weak
 *    evidence): review (`VETO`);
 * 5. otherwise the pair may link, if the two clusters are compatible
 *    (`clustersCompatible`, else review `CONFLICT`) and no competitor makes it
 *    ambiguous (`isAmbiguous`, else review `AMBIGUOUS`).
 */
import type { ReviewCause } from '../../../schemas/entities/cases';
import { ID, NAME, sameChildDespiteNumbers, type Veto } from './compare';
import type { MatchRecord } from './match-record';
import type { PairScore, Scorer } from './scorer';

export type LinkDecision = 'auto' | 'review' | 'new';
export type ReviewReason = 'BAND' | 'VETO' | 'CONFLICT' | 'AMBIGUOUS';

export interface LinkPolicyOptions {
  /** A competitor within this many bits makes a link ambiguous. */
  readonly margin: number;
  /** Largest case built automatically. */
  readonly maxClusterSize: number;
}

/** Added to the sort weight of an uncontradicted valid-ID pair, so that such pairs are taken before any other. */
export const ID_PRIORITY = 1000;

export const DEFAULT_LINK_POLICY: LinkPolicyOptions = { margin: 4, maxClusterSize: 12 };

/** Vetoes that mean two different children: never linked and never reviewed. */
export const DIFFERENT_CHILD_VETOES: ReadonlySet<Veto> = new Set<Veto>(['ID_CONFLICT', 'NAME_CONFLICT']);

/**
 * Vetoes that say a field contradicts (rather than that evidence is thin): a pair with one
 * cannot be in one case with the other side (`clustersCompatible`), and is reviewed only when
 * its weight reaches the upper threshold (below it, a contradicted pair is a different child).
 */
export const CONTRADICTIONS: ReadonlySet<Veto> = new Set<Veto>(['ID_CONFLICT', 'NAME_CONFLICT', 'BIRTHDATE_CONFLICT', 'SEX_CONFLICT']);

export type PairVerdict = { readonly kind: 'link' } | { readonly kind: 'review'; readonly reason: 'BAND' | 'VETO' } | { readonly kind: 'none' };

const LINK: PairVerdict = { kind: 'link' };
const NONE: PairVerdict = { kind: 'none' };
const BAND: PairVerdict = { kind: 'review', reason: 'BAND' };
const VETO: PairVerdict = { kind: 'review', reason: 'VETO' };

/** Birth date levels that are at most a typo apart (exact, day and month swapped, one digit). */
const DATE_DIFFERENT = 3;
const SEX_DISAGREE = 1;

/**
 * The pair carries the same valid 18-digit ID number (GB 11643 check passed) and no
 * other field contradicts it: sex agrees or is missing, the birth dates are at most
 * a typo apart or missing, and the names are not entirely different.
 */
export function idAgreementUncontradicted(levels: readonly number[]): boolean {
  return levels[2] === ID.exact && levels[1] !== DATE_DIFFERENT && levels[3] !== SEX_DISAGREE && levels[0] !== NAME.different;
}

/** What one scored pair allows on its own (steps 0 to 4 above). */
export function pairVerdict(
  score: Pick<PairScore, 'weight' | 'veto'> & { readonly levels?: readonly number[] },
  thresholds: { readonly upper: number; readonly lower: number },
): PairVerdict {
  if (score.levels && idAgreementUncontradicted(score.levels)) return LINK;
  if (score.weight < thresholds.lower) return NONE;
  if (score.veto && DIFFERENT_CHILD_VETOES.has(score.veto)) return NONE;
  // In the band, only a pair with nothing against it is worth a person's time: thin evidence (a common
  // name with only birth date and county, a fragment of a name, a doubtful name) there is a different child
  // as often as not once a province's lists are large (measured: 27% true at 1,000,000 rows).
  if (score.weight < thresholds.upper) return score.veto ? NONE : BAND;
  return score.veto ? VETO : LINK;
}

const WHY: Record<ReviewCause, { zh: string; en: string }> = {
  BAND: { zh: '得分介于自动关联与不关联之间，且没有字段相互矛盾', en: 'the score is between the two thresholds and no field contradicts another' },
  VETO: { zh: '得分足以关联，但有一项证据需要人工确认', en: 'the score is enough to link, but one piece of evidence needs a person' },
  CONFLICT: {
    zh: '两条记录相符，但其中一方个案里另有记录与对方矛盾（或同一机构的两条记录、个案过大）',
    en: 'the two records agree, but a record already in one case contradicts the other side (or two records of one agency, or too large a case)',
  },
  AMBIGUOUS: { zh: '另有一个几乎同样相符、却不可能是同一儿童的候选', en: 'another candidate scores almost as well and cannot be the same child' },
  BRIDGE: { zh: '新记录同时符合两个已有个案：是否合并由协调人决定', en: 'the new record fits two existing cases: merging them is the coordinator’s decision' },
  SPLIT: {
    zh: '记录更新后与原个案中的其他记录不再相符，已另立个案：是否仍为同一儿童由协调人决定',
    en: 'the record changed and no longer fits the other records of its case, so it has a case of its own: whether it is still the same child is the coordinator’s decision',
  },
};

const VETO_WHY: Record<Veto, { zh: string; en: string }> = {
  ID_CONFLICT: { zh: '两个有效身份证号不同', en: 'two valid, different ID numbers' },
  NAME_CONFLICT: { zh: '姓名完全不同', en: 'entirely different names' },
  BIRTHDATE_CONFLICT: { zh: '出生日期相差超过笔误', en: 'birth dates more than a typo apart' },
  SEX_CONFLICT: { zh: '性别不同', en: 'different sex' },
  NAME_DOUBT: { zh: '姓名差一个读音不同的字：可能是笔误，也可能是双胞胎', en: 'the names differ by a character of another sound: a typo, or a twin' },
  WEAK_EVIDENCE: {
    zh: '除姓名和出生日期外证据很少（或只给了名字的一部分）',
    en: 'little evidence beyond name and birth date (or only part of the name)',
  },
};

/** Why a pair is in review, as the reviewer reads it: zh-CN, then English. */
export function reviewWhy(reason: ReviewCause, veto?: Veto): { zh: string; en: string } {
  const base = WHY[reason];
  if (!veto) return base;
  return { zh: `${base.zh}：${VETO_WHY[veto].zh}`, en: `${base.en}: ${VETO_WHY[veto].en}` };
}

/** Whether a pair counts as a competitor in the ambiguity rule: unvetoed and at least at the lower threshold. */
export function isCompetitor(score: Pick<PairScore, 'weight' | 'veto'>, thresholds: { readonly lower: number }): boolean {
  return !score.veto && score.weight >= thresholds.lower;
}

/**
 * Whether two clusters may be one child: at most `maxClusterSize` records
 * together; two records of one agency only with the same valid ID number;
 * no cross pair contradicted (`CONTRADICTIONS`; names and birth dates alone do
 * not contradict under one valid ID number) or of negative weight — unless the
 * union of both clusters explains the contradiction (`explainedByUnion`).
 */
export function clustersCompatible<T>(a: readonly T[], b: readonly T[], view: (t: T) => MatchRecord, scorer: Scorer, options: LinkPolicyOptions): boolean {
  if (a.length + b.length > options.maxClusterSize) return false;
  const ra = a.map(view);
  const rb = b.map(view);
  // Two different valid numbers that a cross pair shows to be one child's (`sameChildDespiteNumbers`).
  const sameChildNumbers = new Set<string>();
  const contradicted: { x: MatchRecord; y: MatchRecord; levels: readonly number[] }[] = [];
  for (const rx of ra) {
    for (const ry of rb) {
      const sameValidId = rx.id?.valid && ry.id?.valid && rx.id.value === ry.id.value;
      if (rx.agency === ry.agency && !sameValidId) return false;
      const s = scorer.score(rx, ry);
      // Under one valid number, names written apart (a variant and a fragment) and two birth-date typos
      // (each a typo away from the date the number encodes) are one child's; only a different sex contradicts.
      if (sameValidId && (s.veto === 'NAME_CONFLICT' || s.veto === 'BIRTHDATE_CONFLICT')) continue;
      if (s.levels[2] === ID.different && s.veto !== 'ID_CONFLICT') sameChildNumbers.add(numberPair(rx, ry));
      if ((s.veto && CONTRADICTIONS.has(s.veto)) || s.weight < 0) contradicted.push({ x: rx, y: ry, levels: s.levels });
    }
  }
  if (contradicted.length === 0) return true;
  const union = [...ra, ...rb];
  return contradicted.every((c) => explainedByUnion(c.x, c.y, c.levels, union, sameChildNumbers, scorer));
}

const numberPair = (x: MatchRecord, y: MatchRecord) => (x.id!.value < y.id!.value ? `${x.id!.value}|${y.id!.value}` : `${y.id!.value}|${x.id!.value}`);

/**
 * Name levels at which one name is the other as written or heard, or a fragment of it. Not `sound`: fuzzy
 * initials and finals make twins' names alike (梅艳/梅洋), and a bridge must not carry a twin's fragment in.
 */
const SAME_OR_FRAGMENT: ReadonlySet<number> = new Set([NAME.exact, NAME.pinyin, NAME.part]);

/**
 * Whether a contradicted cross pair (x, y) is one child's rows once the other records of both clusters are
 * seen, field by field; every contradicted field must be explained:
 * - two different valid ID numbers: another cross pair carrying the same two numbers is one child by
 *   `sameChildDespiteNumbers` (same name, birth date, sex and family: a mistyped number that passed the check);
 * - entirely different names: both are the name (or its pinyin), or a fragment, of one fuller name in the union (拉姆 and
 *   次旦 from 次旦拉姆: two hotline fragments; never via a fragment, which 扎西次仁 and 扎西顿珠 both contain);
 * - birth dates more than a typo apart: both are a typo from one date in the union (2010-03-18 and
 *   2010-03-28 and 2011-03-18: each a typo from the first), and the names agree.
 * A different sex is never explained; a pair of negative weight without a contradicted field still blocks.
 * Twins stay apart: their names are a character of another sound apart (子涵/子轩) or different, never both
 * fragments of one name, and two valid numbers are one child only with the same name.
 */
function explainedByUnion(
  x: MatchRecord,
  y: MatchRecord,
  levels: readonly number[],
  union: readonly MatchRecord[],
  sameChildNumbers: ReadonlySet<string>,
  scorer: Scorer,
): boolean {
  const idContradicted = levels[2] === ID.different && !sameChildDespiteNumbers(levels);
  const nameContradicted = levels[0] === NAME.different;
  const dateContradicted = levels[1] === DATE_DIFFERENT;
  if (levels[3] === SEX_DISAGREE) return false;
  if (!idContradicted && !nameContradicted && !dateContradicted) return false; // negative weight only
  if (idContradicted && !sameChildNumbers.has(numberPair(x, y))) return false;
  const others = union.filter((z) => z !== x && z !== y);
  if (nameContradicted) {
    const within = (r: MatchRecord, z: MatchRecord) => {
      const l = scorer.score(r, z).levels[0]!;
      return SAME_OR_FRAGMENT.has(l) && (l !== NAME.part || r.name!.pinyin.length < z.name!.pinyin.length);
    };
    if (!others.some((z) => within(x, z) && within(y, z))) return false;
  }
  if (dateContradicted) {
    if (nameContradicted || levels[0] === NAME.close) return false;
    const typoApart = (r: MatchRecord, z: MatchRecord) => scorer.score(r, z).levels[1]! < DATE_DIFFERENT;
    if (!others.some((z) => typoApart(x, z) && typoApart(y, z))) return false;
  }
  return true;
}

/**
 * A link of weight `weight` is ambiguous when a competitor (`isCompetitor`)
 * scores within `margin` bits of it and cannot be one child with the other
 * side (`compatibleWithOtherSide` false).
 */
export function isAmbiguous<C>(
  weight: number,
  competitors: Iterable<C>,
  competitorWeight: (c: C) => number,
  compatibleWithOtherSide: (c: C) => boolean,
  options: LinkPolicyOptions,
): boolean {
  for (const c of competitors) {
    if (competitorWeight(c) < weight - options.margin) continue;
    if (!compatibleWithOtherSide(c)) return true;
  }
  return false;
}

/** A newcomer's scored pair with one record of an existing case (the hub's view). */
export interface CaseCandidate {
  readonly recordId: string;
  readonly caseId: string;
  readonly view: MatchRecord;
  readonly score: PairScore;
}

export interface CaseLinkDecision {
  readonly decision: LinkDecision;
  /** The case joined (auto). */
  readonly caseId?: string;
  /** The best pair sent to review with another case, if any. */
  readonly review?: { readonly candidate: CaseCandidate; readonly reason: ReviewReason | 'BRIDGE' };
}

/**
 * The hub's decision for one new record against existing cases: the offline
 * greedy (pairs in descending weight, one decision per pair of clusters) with
 * the newcomer as a cluster of one. Differences, both deliberate: the hub never
 * merges two existing cases on its own (a second case the newcomer would link
 * goes to review as `BRIDGE`), and it weighs the newcomer's competitors only
 * (the members' own competitors were weighed when they linked).
 *
 * `members(caseId)` gives every record of a case the newcomer has a candidate in
 * whose best unvetoed weight is at least `upper - margin` (the hub loads them).
 */
export function decideCaseLink(
  newcomer: MatchRecord,
  candidates: readonly CaseCandidate[],
  members: (caseId: string) => readonly MatchRecord[],
  scorer: Scorer,
  options: LinkPolicyOptions = DEFAULT_LINK_POLICY,
): CaseLinkDecision {
  const { thresholds } = scorer.model;
  // Uncontradicted valid-ID agreements first, then by weight.
  const rank = (c: CaseCandidate) => c.score.weight + (idAgreementUncontradicted(c.score.levels) ? ID_PRIORITY : 0);
  const pairs = [...candidates].sort((x, y) => rank(y) - rank(x) || (x.recordId < y.recordId ? -1 : 1));
  const competitors = pairs.filter((p) => isCompetitor(p.score, thresholds));
  const self = (r: MatchRecord) => r;
  let joined: string | undefined;
  const decided = new Set<string>();
  let review: CaseLinkDecision['review'];
  const toReview = (candidate: CaseCandidate, reason: ReviewReason | 'BRIDGE') => {
    decided.add(candidate.caseId);
    if (!review) review = { candidate, reason }; // pairs come best first: the first review is the best
  };
  for (const p of pairs) {
    if (p.caseId === joined || decided.has(p.caseId)) continue;
    const verdict = pairVerdict(p.score, thresholds);
    if (verdict.kind === 'none') continue;
    if (verdict.kind === 'review') {
      toReview(p, verdict.reason);
      continue;
    }
    const target = members(p.caseId);
    if (!clustersCompatible([newcomer], target, self, scorer, options)) {
      toReview(p, 'CONFLICT');
      continue;
    }
    if (joined) {
      toReview(p, 'BRIDGE');
      continue;
    }
    const ambiguous =
      !idAgreementUncontradicted(p.score.levels) &&
      isAmbiguous(
        p.score.weight,
        competitors.filter((c) => c.caseId !== p.caseId),
        (c) => c.score.weight,
        (c) => clustersCompatible(members(c.caseId), target, self, scorer, options),
        options,
      );
    if (ambiguous) {
      toReview(p, 'AMBIGUOUS');
      continue;
    }
    joined = p.caseId;
  }
  if (joined) return { decision: 'auto', caseId: joined, ...(review && { review }) };
  return review ? { decision: 'review', review } : { decision: 'new' };
}

/** The cases whose members `decideCaseLink` may ask for: best competitor weight within reach of the upper threshold. */
export function casesToLoad(candidates: readonly CaseCandidate[], scorer: Scorer, options: LinkPolicyOptions = DEFAULT_LINK_POLICY): string[] {
  const { upper } = scorer.model.thresholds;
  const ids = new Set<string>();
  for (const c of candidates) if (!c.score.veto && c.score.weight >= upper - options.margin) ids.add(c.caseId);
  return [...ids];
}
