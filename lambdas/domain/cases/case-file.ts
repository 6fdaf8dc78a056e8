/**
 * The child's file across merges and splits (一人一档; docs/care-loop.md, "After a merge or a split"). Care data,
 * consents and emergency grants are written under the case they were recorded in and never move. A case's file is
 * that case and every former case whose file it took over: a case merged into it, unless the records that case
 * brought in were all split off again (its file then went with them, to the new case). Nothing is stored for this:
 * the rule is a pure function of the case history (`merged_in`, `split_off`, `split_from`), which every merge and
 * split writes in the same transaction as the records it moves. So a merge or a split is one transaction, a crash
 * leaves the file as it was or as it will be, and a deployed stack needs no migration.
 *
 * A former case whose records were split only in part stays with the case that keeps its id, as that case's own
 * care data does: the hub does not attribute care items to records. Former cases are held flat (a case merged into
 * a case merged in turn is held by the last one directly, with the records it brought), so a split takes each one
 * whose records all leave, however deep it was merged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CaseEvent, LedgerRow } from '../../../schemas/entities/cases';
import { ServiceUnavailableError } from '../../shared/errors';

/** What the case file reads of the cases store. */
export interface CaseFileStore {
  history(caseId: string): Promise<CaseEvent[]>;
  ledgerRow(caseId: string): Promise<LedgerRow | undefined>;
}

/** Most cases in one file (or steps from a former case to the case holding it). Past it the file is refused, never cut short. */
export const MAX_FILE_CASES = 32;

/** Where a case's history leaves its former cases: those it holds now, and those a split took away (to which case). */
export interface FormerCases {
  /** Former case id -> the records it brought in (the case's members when it was merged). */
  readonly held: ReadonlyMap<string, readonly string[]>;
  /** Former case id -> the case created by the split that took all its records, and those records. */
  readonly movedTo: ReadonlyMap<string, { readonly caseId: string; readonly records: readonly string[] }>;
}

const byTime = (a: CaseEvent, b: CaseEvent) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

/**
 * Folds one case's history into the former cases it holds, flattened: a `merged_in` brings the merged case and every
 * former case that case held (`nested`, each with the records it brought in). `inherited` are those the case received
 * when a split created it (its `split_from`). A `split_off` takes along each former case, nested or not, whose records
 * are all among the records split off; a former case without records stays.
 */
export function foldFormers(
  events: readonly CaseEvent[],
  inherited: ReadonlyMap<string, readonly string[]> = new Map(),
  nested: (caseId: string) => ReadonlyMap<string, readonly string[]> = () => new Map(),
): FormerCases {
  const held = new Map(inherited);
  const movedTo = new Map<string, { caseId: string; records: readonly string[] }>();
  for (const e of [...events].sort(byTime)) {
    if (e.type === 'merged_in' && e.otherCaseId) {
      held.set(e.otherCaseId, [...e.recordIds]);
      for (const [former, records] of nested(e.otherCaseId)) held.set(former, records);
    }
    if (e.type === 'split_off' && e.otherCaseId) {
      const leaving = new Set(e.recordIds);
      for (const [former, records] of held) {
        if (records.length > 0 && records.every((r) => leaving.has(r))) {
          held.delete(former);
          movedTo.set(former, { caseId: e.otherCaseId, records });
        }
      }
    }
  }
  return { held, movedTo };
}

const tooLarge = () => new ServiceUnavailableError('This case file spans too many merges to be read safely', { cause: 'case file too large' });

/** Most history reads one computation of a file (or of where a former case is now) makes; past it the file is refused. */
export const MAX_HISTORY_READS = 4 * MAX_FILE_CASES;

/** The memo of one request: what it read of the cases store, and the files it computed (forgotten after a merge or split commits). */
interface RequestMemo {
  readonly history: Map<string, Promise<CaseEvent[]>>;
  readonly ledgerRow: Map<string, Promise<LedgerRow | undefined>>;
  readonly fileOf: Map<string, Promise<string[]>>;
}
const requestMemo = new AsyncLocalStorage<{ memos: WeakMap<CaseFiles, RequestMemo>; readonly formersRead: Set<string> }>();
const freshMemo = (): RequestMemo => ({ history: new Map(), ledgerRow: new Map(), fileOf: new Map() });

/**
 * Runs one request with a memo of case files: every file-scoped read of the request (each store call, each ledger
 * row's bundle, state and key-recipient status) computes a case's file once. Case histories change only by a merge
 * or split, whose commit calls `forgetCaseFiles()`, so a request never reads a file older than its own commit.
 */
export function withCaseFileMemo<T>(run: () => Promise<T>): Promise<T> {
  return requestMemo.run({ memos: new WeakMap(), formersRead: new Set() }, run);
}

/**
 * The former cases whose data this request read through a file (each `fileOf` but its first case): the audit event
 * names them beside the case asked about, so the access report can follow a read of a former case's care data, which
 * names no records, to wherever a later split takes that former case's file.
 */
export function formersReadInRequest(): string[] {
  return [...(requestMemo.getStore()?.formersRead ?? [])];
}

/** Forgets what this request memoised of case files (call after committing a merge or a split). */
export function forgetCaseFiles(): void {
  const scope = requestMemo.getStore();
  if (scope) scope.memos = new WeakMap();
}

/** One computation: its own history reads counted against MAX_HISTORY_READS, and the former cases per (case, until). */
interface Computation {
  reads: number;
  readonly histories: Map<string, Promise<CaseEvent[]>>;
  readonly formers: Map<string, Promise<FormerCases>>;
}
const computation = (): Computation => ({ reads: 0, histories: new Map(), formers: new Map() });

/**
 * Reads case files and where a former case's file is now. Within one computation, each (case, until) is folded
 * once and each history read once, so a case split off and merged back n times costs O(n) reads, never 2^n; past
 * MAX_HISTORY_READS the answer is refused. Within `withCaseFileMemo`, store reads and files are shared by the request.
 */
export class CaseFiles {
  constructor(private readonly cases: CaseFileStore) {}

  private memo(): RequestMemo | undefined {
    const scope = requestMemo.getStore();
    if (!scope) return undefined;
    const memo = scope.memos.get(this) ?? freshMemo();
    scope.memos.set(this, memo);
    return memo;
  }

  private history(c: Computation, caseId: string): Promise<CaseEvent[]> {
    const memo = this.memo();
    const known = c.histories.get(caseId) ?? memo?.history.get(caseId);
    if (known) return known;
    if (++c.reads > MAX_HISTORY_READS) throw tooLarge();
    const read = this.cases.history(caseId);
    c.histories.set(caseId, read);
    memo?.history.set(caseId, read);
    read.catch(() => memo?.history.delete(caseId));
    return read;
  }

  private ledgerRow(caseId: string): Promise<LedgerRow | undefined> {
    const memo = this.memo();
    const known = memo?.ledgerRow.get(caseId);
    if (known) return known;
    const read = this.cases.ledgerRow(caseId);
    memo?.ledgerRow.set(caseId, read);
    read.catch(() => memo?.ledgerRow.delete(caseId));
    return read;
  }

  /**
   * The former cases one case holds (flattened: those of the cases merged into it too), from its history, the
   * histories of the cases merged into it, and that of the case it was split from, if it was (recursively).
   */
  formersOf(caseId: string): Promise<FormerCases> {
    return this.formers(computation(), caseId, 0);
  }

  private formers(c: Computation, caseId: string, depth: number, until?: string): Promise<FormerCases> {
    const key = `${caseId}\u0000${until ?? ''}`;
    let known = c.formers.get(key);
    if (!known) {
      known = this.fold(c, caseId, depth, until);
      c.formers.set(key, known);
    }
    return known;
  }

  private async fold(c: Computation, caseId: string, depth: number, until?: string): Promise<FormerCases> {
    if (depth >= MAX_FILE_CASES) throw tooLarge();
    // Up to `until` only when asked what a split at that time took (a case split off may be merged back later).
    const events = (await this.history(c, caseId)).filter((e) => until === undefined || e.at <= until);
    const origin = events.find((e) => e.type === 'split_from' && e.otherCaseId);
    const inherited = new Map<string, readonly string[]>();
    if (origin) {
      for (const [former, moved] of (await this.formers(c, origin.otherCaseId!, depth + 1, origin.at)).movedTo) {
        if (moved.caseId === caseId) inherited.set(former, moved.records);
      }
    }
    // A merged case is frozen from its merge on: what it held then, it holds now.
    const nested = new Map<string, ReadonlyMap<string, readonly string[]>>();
    for (const e of events) {
      if (e.type === 'merged_in' && e.otherCaseId && !nested.has(e.otherCaseId))
        nested.set(e.otherCaseId, (await this.formers(c, e.otherCaseId, depth + 1)).held);
    }
    const formers = foldFormers(events, inherited, (id) => nested.get(id) ?? new Map());
    if (formers.held.size >= MAX_FILE_CASES) throw tooLarge();
    return formers;
  }

  /**
   * Every case whose care data and consents are part of this case's file: the case itself first, then its former
   * cases (and theirs), each once. Computed once per request within `withCaseFileMemo`.
   */
  fileOf(caseId: string): Promise<string[]> {
    const memo = this.memo();
    const known = memo?.fileOf.get(caseId);
    if (known) return known;
    const scope = requestMemo.getStore();
    const file = this.formersOf(caseId).then((f) => {
      const ids = [caseId, ...f.held.keys()].filter((id, i, all) => all.indexOf(id) === i);
      for (const id of ids.slice(1)) scope?.formersRead.add(id);
      return ids;
    });
    memo?.fileOf.set(caseId, file);
    file.catch(() => memo?.fileOf.delete(caseId));
    return file;
  }

  /**
   * The open case whose file holds this case's data now: the case itself while it is open; for a merged case, the
   * case it was merged into, or wherever a split took its file since, followed to an open case. Undefined for an
   * unknown case (and, failing closed, for a chain that does not end in an open case).
   */
  async currentOf(caseId: string): Promise<string | undefined> {
    const row = await this.ledgerRow(caseId);
    if (!row || row.status === 'open') return row?.caseId;
    // The file holding it is an open case whose (flattened) former cases include it: up through merges, across splits.
    const c: Computation = computation();
    let at = row.mergedInto;
    for (let step = 0; at && step < MAX_FILE_CASES; step++) {
      const formers = await this.formers(c, at, 0);
      if (formers.held.has(caseId)) {
        const holder = await this.ledgerRow(at);
        if (holder?.status === 'open') return holder.caseId;
        at = holder?.mergedInto;
      } else {
        at = formers.movedTo.get(caseId)?.caseId;
      }
    }
    if (at) throw tooLarge();
    return undefined;
  }
}
