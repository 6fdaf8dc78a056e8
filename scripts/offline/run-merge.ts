/**
 * The offline list merge: files -> parsed rows -> the matching engine -> cases,
 * review pairs and a summary. No AWS, no server: the same domain code the hub runs.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeList, type ListSummary } from '../../lambdas/domain/lists/list-summary';
import { type BadRow, formatOf, readChunk } from '../../lambdas/domain/matching/pipeline/read-chunk';
import type { ListValueMaps } from '../../lambdas/domain/lists/list-values';
import type { MatchRecord } from '../../lambdas/domain/matching/match-record';
import { mergeRecords, type MergeOptions, type MergeResult } from '../../lambdas/domain/matching/merge';
import { reviewWhy } from '../../lambdas/domain/matching/link-policy';
import { idsOf, type RecordIds } from '../../lambdas/domain/matching/stages/combine';

export interface MergeInputFile {
  readonly agency: string;
  readonly path: string;
}

export type { BadRow };

/** What reading one input file found: rows kept, values not understood, rows refused. */
export interface InputSummary {
  readonly agency: string;
  readonly path: string;
  readonly summary: ListSummary;
}

/**
 * A run's records by index: the one-process run's array, or (on worker threads) the table the workers
 * packed them in, each decoded when first read, so that naming every record's case does not decode them all.
 */
export interface RunRecords extends RecordIds {
  at(i: number): MatchRecord;
}

/** An array of records as `RunRecords`. */
export const runRecordsOf = (records: readonly MatchRecord[]): RunRecords => ({ ...idsOf(records), at: (i) => records[i]! });

/** Every record of a run, decoded (an analysis reading them all). */
export const allRecords = (records: RunRecords): MatchRecord[] => Array.from({ length: records.length }, (_, i) => records.at(i));

export interface MergeRun {
  readonly records: RunRecords;
  readonly flagged: Map<number, string[]>;
  readonly badRows: BadRow[];
  readonly inputs: InputSummary[];
  /** Values not understood per record index (kept records only). */
  readonly notUnderstood: Map<number, { field: string; value?: string }[]>;
  readonly result: MergeResult;
  readonly seconds: { parse: number; merge: number };
}

/** One input file read: its kept records (normalised), with flags and values not understood by index in `records`, and refused rows. */
export interface InputRead {
  readonly records: MatchRecord[];
  readonly flagged: Map<number, string[]>;
  readonly notUnderstood: Map<number, { field: string; value?: string }[]>;
  readonly badRows: BadRow[];
  readonly input: InputSummary;
}

/** Reads and normalises one input file (stage 1 of the merge for one list). */
export function readInput(input: MergeInputFile, values?: ListValueMaps): InputRead {
  const { summary, ...read } = readChunk(readFileSync(input.path, 'utf8'), formatOf(input.path), input.agency, values);
  return { ...read, input: { agency: input.agency, path: input.path, summary } };
}

/** The reads of several files (or pieces of files) as one run's: records in order, indices shifted. */
export function joinReads(reads: readonly Pick<InputRead, 'flagged' | 'notUnderstood' | 'badRows'>[], counts: readonly number[]) {
  const flagged = new Map<number, string[]>();
  const notUnderstood = new Map<number, { field: string; value?: string }[]>();
  let offset = 0;
  reads.forEach((read, k) => {
    for (const [i, f] of read.flagged) flagged.set(offset + i, f);
    for (const [i, v] of read.notUnderstood) notUnderstood.set(offset + i, v);
    offset += counts[k]!;
  });
  return { flagged, notUnderstood, badRows: reads.flatMap((r) => r.badRows) };
}

export function runMerge(inputs: readonly MergeInputFile[], options: MergeOptions & { values?: ListValueMaps } = {}): MergeRun {
  const t0 = performance.now();
  const reads = inputs.map((input) => readInput(input, options.values));
  const records = reads.flatMap((r) => r.records);
  const joined = {
    ...joinReads(
      reads,
      reads.map((r) => r.records.length),
    ),
    inputs: reads.map((r) => r.input),
  };
  const t1 = performance.now();
  const result = mergeRecords(records, options);
  const t2 = performance.now();
  return { records: runRecordsOf(records), ...joined, result, seconds: { parse: (t1 - t0) / 1000, merge: (t2 - t1) / 1000 } };
}

export function summarise(run: MergeRun) {
  const { result } = run;
  const decisions = { auto: 0, review: 0, new: 0 };
  for (const d of result.decisions) decisions[d]++;
  return {
    records: run.records.length,
    badRows: run.badRows.length,
    rowsWithValuesNotUnderstood: run.notUnderstood.size,
    inputs: run.inputs.map((i) => ({ agency: i.agency, ...i.summary })),
    flaggedIdNumbers: run.flagged.size,
    cases: new Set(result.cluster).size,
    decisions,
    reviewPairs: result.reviews.length,
    candidatePairs: result.stats.candidatePairs,
    model: { version: result.model.version, source: result.model.source, thresholds: result.model.thresholds },
    seconds: run.seconds,
  };
}

/** DIR/cases.jsonl, DIR/reviews.jsonl, DIR/bad-rows.jsonl, DIR/model.json, DIR/summary.json. */
export function writeOutputs(dir: string, run: MergeRun): void {
  mkdirSync(dir, { recursive: true });
  const { records, result } = run;
  const cases = Array.from({ length: records.length }, (_, i) => records.idAt(i)).map((r, i) =>
    JSON.stringify({
      agency: r.agency,
      externalId: r.externalId,
      caseId: result.caseIds[i],
      decision: result.decisions[i],
      score: Number.isNaN(result.bestWeight[i]!) ? null : Math.round(result.bestWeight[i]! * 100) / 100,
      ...(run.flagged.has(i) && { flags: run.flagged.get(i) }),
      ...(run.notUnderstood.has(i) && { notUnderstood: run.notUnderstood.get(i) }),
    }),
  );
  writeFileSync(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
  const reviews = result.reviews.map((p) => {
    const a = records.at(p.a);
    const b = records.at(p.b);
    return JSON.stringify({
      a: { agency: a.agency, externalId: a.externalId, caseId: result.caseIds[p.a] },
      b: { agency: b.agency, externalId: b.externalId, caseId: result.caseIds[p.b] },
      score: Math.round(p.weight * 100) / 100,
      reason: p.reason,
      why: reviewWhy(p.reason, result.scorer.score(a, b).veto),
      explanation: result.scorer.explain(a, b),
      // Side by side, what the reviewer needs to decide without opening either record (ID numbers and phones partly masked).
      compare: { a: reviewView(a), b: reviewView(b) },
    });
  });
  writeFileSync(join(dir, 'reviews.jsonl'), reviews.length ? `${reviews.join('\n')}\n` : '');
  writeFileSync(join(dir, 'bad-rows.jsonl'), run.badRows.map((b) => JSON.stringify(b)).join('\n') + (run.badRows.length ? '\n' : ''));
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(result.model, null, 2)}\n`);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summarise(run), null, 2)}\n`);
}

/** Per input file, what reading it found, as lines a person reads: all Chinese first, then all English. */
export function describeInputs(run: Pick<MergeRun, 'inputs'>): string {
  const parts = run.inputs.map((i) => ({ name: `${i.agency} (${i.path})`, text: describeList(i.summary) }));
  return [
    '名单读取情况：',
    ...parts.map((p) => `[${p.name}]\n${p.text.zh}`),
    '',
    'How the lists were read:',
    ...parts.map((p) => `[${p.name}]\n${p.text.en}`),
  ].join('\n');
}

const mask = (v: string | undefined, keepStart: number, keepEnd: number) =>
  v === undefined
    ? null
    : v.length <= keepStart + keepEnd
      ? v
      : `${v.slice(0, keepStart)}${'*'.repeat(v.length - keepStart - keepEnd)}${v.slice(v.length - keepEnd)}`;

/** The matching fields of one record as a reviewer compares them. */
function reviewView(r: MatchRecord) {
  return {
    name: r.name?.text ?? null,
    pinyin: r.name?.pinyin ?? null,
    sex: r.sex ?? null,
    birthDate: r.birthDate ?? null,
    idNumber: r.id ? `${mask(r.id.value, 6, 4)}${r.id.valid ? '' : ' (check digit wrong)'}` : null,
    regions: r.regions,
    guardianName: r.guardianName?.text ?? null,
    guardianPhone: mask(r.guardianPhone, 3, 4),
    school: r.school ?? null,
  };
}
