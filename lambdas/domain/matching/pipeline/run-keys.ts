/**
 * Where each object of a Step Functions merge run lives, relative to the run's
 * prefix (merge/<runId>/ in the province's bucket). The operator uploads the
 * lists under input/<agency>/ (one object per chunk, in key order); the run
 * writes everything else, and the results under out/.
 */
const pad = (k: number) => String(k).padStart(5, '0');

export const runKeys = {
  input: 'input/',
  settings: 'plan/settings.json',
  /** Distributed Map items: one per chunk, per partition, per link group. */
  chunks: 'plan/chunks.json',
  partitions: 'plan/partitions.json',
  groups: 'plan/groups.json',
  offsets: 'plan/offsets.json',
  spec: 'plan/spec.json',
  best: 'plan/best',
  size: (c: number) => `sizes/${pad(c)}.json`,
  records: (c: number) => `records/${pad(c)}`,
  reads: (c: number) => `reads/${pad(c)}.json`,
  names: (c: number) => `names/${pad(c)}.json`,
  /** Partition p's blocking keys from chunk c, with the records they name. */
  shuffle: (p: number, c: number) => `shuffle/${pad(p)}/${pad(c)}`,
  shuffleOf: (p: number) => `shuffle/${pad(p)}/`,
  skipped: (p: number) => `skipped/${pad(p)}.json`,
  pairs: (p: number) => `pairs/${pad(p)}`,
  counts: (p: number) => `counts/${pad(p)}.json`,
  scores: (p: number) => `scores/${pad(p)}`,
  route: (c: number) => `route/${pad(c)}`,
  group: (g: number) => `groups/${pad(g)}`,
  /** Link group g's records from chunk c. */
  linkRecords: (g: number, c: number) => `link-records/${pad(g)}/${pad(c)}`,
  linkRecordsOf: (g: number) => `link-records/${pad(g)}/`,
  linked: (g: number) => `linked/${pad(g)}`,
  cases: 'out/cases.jsonl',
  reviews: 'out/reviews.jsonl',
  model: 'out/model.json',
  summary: 'out/summary.json',
} as const;

/** The prefix of a run in the bucket. */
export const runPrefix = (runId: string) => `merge/${runId}/`;
