/**
 * Tamper evidence for the audit trail. Events are spread over CHAIN_COUNT hash
 * chains (by event id), so that parallel writers rarely contend for one chain
 * head. Each event stores:
 * - contentHash = SHA-256 of its canonical content (every attribute but the chain fields);
 * - seq, prevHash, hash = SHA-256(chain | seq | prevHash | contentHash).
 * A changed event fails its contentHash; a moved one fails its hash or its
 * link; a deleted one leaves a gap in seq; a cut-off end is caught by the chain
 * heads and the signed digests. Pure: no I/O. Design notes in docs/audit.md.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../records/canonical-json';
import type { ChainHead, ChainedEvent, Digest, Plain } from '../../../schemas/entities/audit';

export const CHAIN_COUNT = 16;
export const GENESIS = '0'.repeat(64);
/** Attributes that are the chain itself, not the content. */
export const CHAIN_FIELDS = ['pk', 'chain', 'seq', 'prevHash', 'hash', 'contentHash'] as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function chainOf(eventId: string): number {
  return createHash('sha256').update(eventId).digest().readUInt32BE(0) % CHAIN_COUNT;
}

export function contentHash(content: Plain): string {
  const copy: Plain = {};
  for (const [k, v] of Object.entries(content)) if (!(CHAIN_FIELDS as readonly string[]).includes(k)) copy[k] = v;
  return sha256(canonicalJson(copy));
}

export function linkHash(chain: number, seq: number, prevHash: string, content: string): string {
  return sha256(`xinqiao/audit/v1|${chain}|${seq}|${prevHash}|${content}`);
}

export type ProblemKind = 'changed' | 'deleted' | 'reordered' | 'truncated' | 'digest_mismatch' | 'bad_signature';

export interface Problem {
  readonly kind: ProblemKind;
  readonly chain: number;
  readonly seq: number;
  /** The event concerned: the changed or moved one, or the first one after a gap. */
  readonly eventId?: string;
  readonly time?: string;
  readonly detail: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly events: number;
  readonly chains: number;
  readonly digests: number;
  /** The earliest problem (by event time, then chain position). */
  readonly first?: Problem;
  readonly problems: readonly Problem[];
}

/** The digest's own hash: over its time, the chain heads and the previous digest's hash. */
export function digestHashOf(d: Pick<Digest, 'at' | 'heads' | 'prevDigestHash'>): string {
  return sha256(canonicalJson({ at: d.at, heads: d.heads, prevDigestHash: d.prevDigestHash }));
}

/**
 * Verifies every chain against its events, its head, and the digests (oldest first).
 * `verifySignature` checks a digest's signature over its digestHash.
 */
export function verifyTrail(
  events: readonly ChainedEvent[],
  heads: ReadonlyMap<number, ChainHead>,
  digests: readonly Digest[],
  verifySignature: (digest: Digest) => boolean,
): VerifyResult {
  const problems: Problem[] = [];
  const byChain = new Map<number, ChainedEvent[]>();
  for (const e of events) (byChain.get(e.chain) ?? byChain.set(e.chain, []).get(e.chain)!).push(e);
  const lastOf = new Map<number, ChainHead>();
  const hashAt = new Map<string, string>();

  for (let chain = 0; chain < CHAIN_COUNT; chain++) {
    const list = (byChain.get(chain) ?? []).sort((a, b) => a.seq - b.seq);
    let expected = 1;
    let prev = GENESIS;
    for (const e of list) {
      const base = { chain, seq: e.seq, eventId: e.eventId, ...(typeof e.time === 'string' && { time: e.time }) };
      if (e.seq > expected) {
        problems.push({ ...base, kind: 'deleted', seq: expected, detail: `events ${expected}..${e.seq - 1} of chain ${chain} are missing before this one` });
      } else if (e.seq < expected) {
        problems.push({ ...base, kind: 'reordered', detail: `sequence number ${e.seq} appears twice in chain ${chain}` });
      }
      if (contentHash(e) !== e.contentHash) {
        problems.push({ ...base, kind: 'changed', detail: 'the event content does not match its hash' });
      } else if (linkHash(chain, e.seq, e.prevHash, e.contentHash) !== e.hash) {
        problems.push({ ...base, kind: 'reordered', detail: 'the event does not belong at this position of its chain' });
      } else if (e.seq === expected && e.prevHash !== prev) {
        problems.push({ ...base, kind: 'reordered', detail: 'the event is not linked to the one before it' });
      }
      prev = e.hash;
      expected = Math.max(expected, e.seq + 1);
      hashAt.set(`${chain}:${e.seq}`, e.hash);
    }
    const last = { seq: expected - 1, hash: prev };
    lastOf.set(chain, last);
    const head = heads.get(chain);
    if (head && head.seq > last.seq) {
      problems.push({ chain, seq: last.seq + 1, kind: 'truncated', detail: `chain ${chain} ends at ${last.seq} but its head says ${head.seq}` });
    }
  }

  let prevDigest = GENESIS;
  for (const d of digests) {
    if (digestHashOf(d) !== d.digestHash || d.prevDigestHash !== prevDigest || !verifySignature(d)) {
      problems.push({ chain: -1, seq: 0, kind: 'bad_signature', time: d.at, detail: `digest ${d.digestId} of ${d.at} is altered, unlinked or wrongly signed` });
    }
    prevDigest = d.digestHash;
    for (const [c, h] of Object.entries(d.heads)) {
      const chain = Number(c);
      const last = lastOf.get(chain)!;
      if (h.seq > last.seq) {
        problems.push({
          chain,
          seq: last.seq + 1,
          kind: 'truncated',
          time: d.at,
          detail: `digest of ${d.at} saw chain ${chain} at ${h.seq}; the trail ends at ${last.seq}`,
        });
      } else if (h.seq > 0 && hashAt.get(`${chain}:${h.seq}`) !== h.hash) {
        problems.push({ chain, seq: h.seq, kind: 'digest_mismatch', time: d.at, detail: `chain ${chain} up to ${h.seq} differs from the digest of ${d.at}` });
      }
    }
  }

  const order = (p: Problem) => `${p.time ?? '9999'}|${String(p.chain).padStart(3, '0')}|${String(p.seq).padStart(12, '0')}`;
  const sorted = [...problems].sort((a, b) => (order(a) < order(b) ? -1 : 1));
  return {
    ok: problems.length === 0,
    events: events.length,
    chains: byChain.size,
    digests: digests.length,
    ...(sorted[0] && { first: sorted[0] }),
    problems: sorted,
  };
}
