/**
 * Linking list rows in bulk (名单批量同案), with the single path's matching engine and guarantees, for a
 * fraction of its round trips and writes. Rows are taken in groups of consecutive rows; for a group:
 * 1. one batch read of the keys' blocks (with their versions), then of the heads, and of the name-frequency
 *    counters of the group's names (the province's count is read once a page: `PageTotal`);
 * 2. the rows decided one after another in row order, each exactly as `planNewLink` decides one record
 *    (the link policy's `decideCaseLink` against the cases of its candidates, name frequencies, review
 *    items, hit / no-hit notices), an earlier row of the group counting as a record already linked;
 * 3. one transaction that creates the records already linked (lookup, head, first version), writes
 *    members, the ledger row of every case touched (on condition that it is unchanged since read),
 *    events, reviews, counters and notices, finishes the rows on the job and files the new records under
 *    their keys, on condition that no block read in step 1 has changed (its version) or is claimed.
 * The group claims nothing: a record of the single path deciding on a shared key holds a claim, which fails
 * the group's commit until that record has committed; two groups that share a key change its version, so the
 * later commit fails. Either way the group decides again and then sees the other record, as it would have
 * after waiting for a claim. A crash leaves nothing half-written and nothing to expire. Rows the bulk path
 * does not take (a record that exists already, a discharge that starts follow-up, a group that does not fit
 * one transaction) go through `publishRecord`.
 */
import type { CaseEvent, CaseMember, LedgerRow, ReviewItem } from '../../../schemas/entities/cases';
import type { LedgerWrite } from '../../../schemas/entities/linking';
import type { ListRowItem, RowOutcome } from '../../../schemas/entities/lists';
import type { Notification } from '../../../schemas/entities/notifications';
import type { StoredRecord } from '../../../schemas/entities/records';
import { ServiceUnavailableError } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { ledgerRowOf } from '../cases/ledger-row';
import { BLOCK_LIMIT, keysToFile, memberOf, reviewItemOf } from '../cases/link-plan';
import type { LinkDeps } from '../cases/link-record';
import { openForMatching } from '../cases/match-view';
import { frequenciesOf, TOTAL_SHARDS, totalCounterKeys } from '../cases/name-frequencies';
import { type CaseCandidate, casesToLoad, DEFAULT_LINK_POLICY, decideCaseLink } from '../matching/link-policy';
import type { MatchRecord } from '../matching/match-record';
import type { NameFrequencies } from '../matching/model';
import { Scorer } from '../matching/scorer';
import type { PreparedRow } from './bulk-rows';
import type { BulkChange, BulkLinkStore } from './ports';

export type { PreparedRow } from './bulk-rows';

export interface BulkDeps extends LinkDeps {
  readonly bulk: BulkLinkStore;
}

/** What the bulk path wrote for a row (its list report), or that the row is left to the single path. */
export interface RowDone {
  readonly row: number;
  readonly outcome: RowOutcome;
  readonly result: NonNullable<ListRowItem['result']>;
}

const DEFAULT_LEASE_MS = 10_000;
const BACKOFF_BASE_MS = 10;
const BACKOFF_CAP_MS = 200;

const nowOf = (deps: Pick<LinkDeps, 'now'>) => (deps.now ?? (() => new Date()))().toISOString();

/** Views of existing records, by record id and version, kept for the length of a job's page (content never changes under one version). */
export type ViewCache = Map<string, MatchRecord>;

interface Snapshot {
  row?: LedgerRow;
  members: CaseMember[];
  /** Opened by this group: no ledger row yet. */
  readonly created: boolean;
  /** The ledger row's `updatedAt` when read (the commit's condition). */
  readonly seen?: string;
}

interface Decided {
  readonly caseId: string;
  readonly view: MatchRecord;
  /** The keys it is filed under (its keys whose block is not full). */
  readonly keys: readonly string[];
}

interface Plan {
  readonly change: BulkChange;
  readonly done: RowDone[];
}

/**
 * Links one group: 'done' with each row's outcome, or 'fallback' when the group cannot go in one transaction
 * or a row's record exists meanwhile (the caller publishes those rows one by one). The group takes no claims:
 * its commit holds only if no block it read has changed or is claimed, so a decision on the same keys (a
 * record of the single path holding its claims, another group) makes it decide again. Throws a retryable
 * ServiceUnavailableError if that goes on for longer than a claim can live (twice the lease).
 */
export async function linkGroup(
  deps: BulkDeps,
  job: { jobId: string; createdAt: string; lane: string },
  group: readonly PreparedRow[],
  views: ViewCache,
  total: PageTotal,
): Promise<{ status: 'done'; rows: RowDone[] } | { status: 'fallback' }> {
  const keys = [...new Set(group.flatMap((r) => r.keys))].sort();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Leases run on the wall clock, whatever clock stamps the data (`deps.now`).
  const deadline = Date.now() + 2 * (deps.claimLeaseMs ?? DEFAULT_LEASE_MS);
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      // A record of the group created meanwhile (the same child published through the API, another copy of this job): one by one.
      const existing = await deps.bulk.recordIdsByExternal(group.map((r) => r.externalIndex));
      if (existing.size > 0) return { status: 'fallback' };
    }
    const plan = await planGroup(deps, job, group, keys, views, total);
    const outcome = await deps.bulk.commit(plan.change);
    if (outcome === 'ok') {
      total.add(group.length);
      return { status: 'done', rows: plan.done };
    }
    if (outcome === 'too-large') return { status: 'fallback' };
    if (Date.now() > deadline) throw new ServiceUnavailableError('Linking is busy; try again', { cause: 'linking contention' });
    await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
  }
}

/**
 * The province's record count as a page's groups see it: the total counter read once for the page, plus the
 * rows every lane of this page has committed since. Rows other writers link meanwhile are not in it, as the
 * rows of a group deciding at the same time are not in a single publish's count; the difference is at most
 * a page's worth against the province's whole count.
 */
export class PageTotal {
  #base: Promise<number> | undefined;
  #committed = 0;

  constructor(private readonly read: () => Promise<number>) {}

  async current(): Promise<number> {
    this.#base ??= this.read();
    return (await this.#base) + this.#committed;
  }

  add(rows: number): void {
    this.#committed += rows;
  }
}

/** Name frequencies as the single path computes them (`nameFrequencies`), from counts read once for the group and kept up to date as rows link. */
class GroupFrequencies {
  constructor(
    private readonly counts: Map<string, number>,
    private total: number,
  ) {}

  tf(row: PreparedRow): NameFrequencies | undefined {
    const name = row.view.name;
    if (!name || !row.nameKeys) return undefined;
    return frequenciesOf(name, this.counts.get(row.nameKeys[0]) ?? 0, this.counts.get(row.nameKeys[1]) ?? 0, this.total);
  }

  bump(row: PreparedRow, shard: string, counters: Map<string, number>): void {
    const add = (key: string) => counters.set(key, (counters.get(key) ?? 0) + 1);
    add(shard);
    this.total++;
    if (!row.nameKeys) return;
    for (const key of row.nameKeys) {
      add(key);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }
}

async function planGroup(
  deps: BulkDeps,
  job: { jobId: string; createdAt: string; lane: string },
  group: readonly PreparedRow[],
  keys: readonly string[],
  views: ViewCache,
  total: PageTotal,
): Promise<Plan> {
  const now = nowOf(deps);
  const own = new Set(group.map((r) => r.recordId));
  const { shards } = await totalCounterKeys(deps.index);
  // One shard for the group's links (the sum is what counts): one counter write, not one a row.
  const shard = shards[Math.floor(Math.random() * TOTAL_SHARDS)]!;
  const nameKeys = [...new Set(group.flatMap((r) => r.nameKeys ?? []))];
  const [blocks, counts, n] = await Promise.all([deps.records.blocks(keys, BLOCK_LIMIT), deps.records.counts(nameKeys), total.current()]);
  const byKey = new Map(keys.map((k, i) => [k, blocks[i]!.ids.filter((id) => !own.has(id))]));
  // Filed when the group commits, under the keys whose block was not full when read (as one record would be).
  const fileable = new Set(keysToFile(deps, keys, blocks));
  const filings = group.map((r) => ({ recordId: r.recordId, keys: r.keys.filter((k) => fileable.has(k)) }));
  const frequencies = new GroupFrequencies(new Map(nameKeys.map((k, i) => [k, counts[i]!])), n);

  // Existing records and their match views (only those in a case are candidates).
  const heads = new Map<string, StoredRecord>();
  const known = new Map<string, MatchRecord>();
  const load = async (ids: Iterable<string>) => {
    const missing = [...new Set(ids)].filter((id) => !heads.has(id) && !own.has(id));
    if (missing.length === 0) return;
    for (const head of await deps.records.getHeads(missing)) {
      heads.set(head.recordId, head);
      const cacheKey = `${head.recordId}#${head.version}`;
      let view = views.get(cacheKey);
      if (!view) {
        view = await openForMatching(deps.cipher, deps.province, head);
        views.set(cacheKey, view);
      }
      known.set(head.recordId, view);
    }
  };
  await load([...byKey.values()].flat());

  const snapshots = new Map<string, Snapshot>();
  const loadCases = async (caseIds: Iterable<string>) => {
    const missing = [...new Set(caseIds)].filter((id) => !snapshots.has(id));
    const loaded = await Promise.all(missing.map(async (id) => [id, await deps.cases.snapshot(id)] as const));
    for (const [id, s] of loaded)
      snapshots.set(id, { ...(s.row && { row: s.row }), members: [...s.members], created: false, ...(s.row && { seen: s.row.updatedAt }) });
    await load(loaded.flatMap(([, s]) => s.members.map((m) => m.recordId)));
  };

  const decided = new Map<string, Decided>();
  const counters = new Map<string, number>();
  const touched = new Set<string>();
  const members: CaseMember[] = [];
  const events: CaseEvent[] = [];
  const reviews: ReviewItem[] = [];
  const notify: Omit<Notification, 'notificationId'>[] = [];
  const created: BulkChange['created'][number][] = [];
  const done: RowDone[] = [];
  const finished: BulkChange['rows'][number][] = [];
  const viewOf = (recordId: string) => decided.get(recordId)?.view ?? known.get(recordId);

  for (const row of group) {
    const scorer = new Scorer(deps.model, frequencies.tf(row));
    const candidates: CaseCandidate[] = [];
    const seen = new Set<string>();
    for (const key of row.keys) {
      for (const id of byKey.get(key) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const head = heads.get(id);
        const view = known.get(id);
        // A filed record has its case (filed by the commit that linked it, or with the claim once it has one); one without is a leftover of the first layout's crashes.
        if (!head?.caseId || !view) continue;
        candidates.push({ recordId: id, caseId: head.caseId, view, score: scorer.score(row.view, view) });
      }
    }
    // Earlier rows of the group sharing a key they are filed under are linked by the time this row decides (as the single path would find them).
    for (const [id, d] of decided) {
      if (seen.has(id) || !d.keys.some((k) => row.keys.includes(k))) continue;
      seen.add(id);
      candidates.push({ recordId: id, caseId: d.caseId, view: d.view, score: scorer.score(row.view, d.view) });
    }
    await loadCases(casesToLoad(candidates, scorer));
    const open = candidates.filter((c) => !snapshots.has(c.caseId) || snapshots.get(c.caseId)!.row?.status === 'open');
    const membersOf = (caseId: string) => (snapshots.get(caseId)?.members ?? []).flatMap((m) => (viewOf(m.recordId) ? [viewOf(m.recordId)!] : []));
    const decision = decideCaseLink(row.view, open, membersOf, scorer, DEFAULT_LINK_POLICY);
    frequencies.bump(row, shard, counters);

    let caseId: string;
    let link: 'auto' | 'review' | 'new';
    let review: ReviewItem | undefined;
    if (decision.decision === 'auto') {
      caseId = decision.caseId!;
      await loadCases([caseId]);
      const snapshot = snapshots.get(caseId)!;
      const member = memberOf(caseId, row.recordId, row.input, 'auto', now);
      const holders = new Set(snapshot.members.map((m) => m.agencyId).filter((a) => a !== row.input.agencyId));
      snapshot.members = [...snapshot.members, member];
      members.push(member);
      events.push({ caseId, at: now, type: 'linked', recordIds: [row.recordId], byAgency: row.input.agencyId });
      review = decision.review && reviewItemOf(deps.model, scorer, row, caseId, decision.review.candidate, decision.review.reason, now);
      // Hit / no-hit: the holders learn that another agency linked a record, so they can seek the guardian's consent.
      for (const recipient of holders) notify.push({ recipient, at: now, kind: 'record_linked', caseId, severity: 'info' });
      link = 'auto';
    } else {
      caseId = randomId('case');
      const member = memberOf(caseId, row.recordId, row.input, 'new', now);
      snapshots.set(caseId, { members: [member], created: true, row: ledgerRowOf(caseId, [member], now, now) });
      members.push(member);
      events.push({ caseId, at: now, type: 'created', recordIds: [row.recordId], byAgency: row.input.agencyId });
      review = decision.review && reviewItemOf(deps.model, scorer, row, caseId, decision.review.candidate, decision.review.reason, now);
      link = review ? 'review' : 'new';
    }
    if (review) reviews.push(review);
    touched.add(caseId);
    decided.set(row.recordId, { caseId, view: row.view, keys: row.keys.filter((k) => fileable.has(k)) });
    created.push({
      record: { ...row.record, caseId, linkStatus: link, linkedVersion: row.record.version, blockKeys: row.keys },
      externalIndex: row.externalIndex,
    });
    const result = { recordId: row.recordId, caseId, link, status: 'created', ...(review && { reviewId: review.reviewId }) };
    const outcome: RowOutcome = link;
    done.push({ row: row.item.row, outcome, result });
    finished.push({ row: { ...row.item, state: 'done', result }, outcome });
  }

  const ledger: LedgerWrite[] = [...touched].map((caseId) => {
    const s = snapshots.get(caseId)!;
    if (s.created) return { row: ledgerRowOf(caseId, s.members, now, now) };
    return { row: ledgerRowOf(caseId, s.members, s.row!.createdAt, now), expectedUpdatedAt: s.seen! };
  });
  return {
    change: {
      created,
      members,
      ledger,
      events,
      reviews,
      counters,
      notify,
      blocks: keys.map((key, i) => ({ key, version: blocks[i]!.version })),
      filings,
      now: Date.now(),
      rows: finished,
      tally: { jobId: job.jobId, createdAt: job.createdAt, lane: job.lane },
    },
    done,
  };
}
