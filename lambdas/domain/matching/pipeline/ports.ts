/**
 * Where the Step Functions merge keeps a run's objects: the province's
 * encrypted bucket deployed (lambdas/data/merge-objects.ts, S3), memory in the
 * tests. Keys are relative to the run (layout in run-keys.ts).
 */
export interface MergeObjects {
  get(key: string): Promise<Uint8Array>;
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** Keys under a prefix, in key order. */
  list(prefix: string): Promise<string[]>;
}
