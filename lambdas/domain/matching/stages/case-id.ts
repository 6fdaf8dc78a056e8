/** Deterministic case ids for offline runs. */
import { createHash } from 'node:crypto';
import type { MatchRecord } from '../match-record';

/** Derived from the first record's agency and externalId. */
export function caseIdFor(r: Pick<MatchRecord, 'agency' | 'externalId'>): string {
  const digest = createHash('sha256').update(`${r.agency}\u0000${r.externalId}`).digest('base64url').replace(/[-_]/g, '').toUpperCase();
  return `case_${digest.slice(0, 20)}`;
}
