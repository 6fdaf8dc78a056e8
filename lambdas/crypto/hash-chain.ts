/**
 * The hash functions of the audit trail's tamper evidence. Pure: no I/O.
 * - contentHash = SHA-256 of an event's canonical content (every attribute but the chain fields);
 * - linkHash = SHA-256(`xinqiao/audit/v1|chain|seq|prevHash|contentHash`), which ties the event to its position;
 * - digestHash = SHA-256 of a digest's canonical body (time, chain heads, previous digest's hash).
 * Design notes in docs/audit.md.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** How many hash chains the trail spreads over (docs/audit.md says why 64). */
export const CHAIN_COUNT = 64;
/** The `prevHash` of every chain's first event, and the `prevDigestHash` of the first digest. */
export const GENESIS = '0'.repeat(64);
/** Attributes that are the chain itself, not the content. */
export const CHAIN_FIELDS: readonly string[] = ['pk', 'chain', 'seq', 'prevHash', 'hash', 'contentHash'];

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export function contentHash(content: Readonly<Record<string, unknown>>): string {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(content)) if (!CHAIN_FIELDS.includes(k)) copy[k] = v;
  return sha256Hex(canonicalJson(copy));
}

export function linkHash(chain: number, seq: number, prevHash: string, content: string): string {
  return sha256Hex(`xinqiao/audit/v1|${chain}|${seq}|${prevHash}|${content}`);
}

/** A digest's own hash: over its time, the chain heads and the previous digest's hash. */
export function digestHashOf(d: { readonly at: string; readonly heads: unknown; readonly prevDigestHash: string }): string {
  return sha256Hex(canonicalJson({ at: d.at, heads: d.heads, prevDigestHash: d.prevDigestHash }));
}
