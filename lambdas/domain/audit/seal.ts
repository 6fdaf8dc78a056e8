/**
 * Sealing and verifying the audit trail: at a fixed interval a signed digest
 * records every chain head and the previous digest; verification walks every
 * chain against its events, heads and digests and names the first problem.
 */
import type { DigestSigner } from '../../crypto/digest-signer';
import type { AuditTable } from '../../data/audit-table';
import { randomId } from '../../shared/ids';
import { CHAIN_COUNT, digestHashOf, GENESIS, verifyTrail, type ChainedEvent, type ChainHead, type Digest, type VerifyResult } from './chain';

export interface SealDeps {
  readonly audit: Pick<AuditTable, 'head' | 'digests' | 'putDigest' | 'scan'>;
  readonly signer: DigestSigner;
  readonly now?: () => Date;
}

export async function sealDigest(deps: SealDeps): Promise<Digest> {
  const heads: Record<string, ChainHead> = {};
  for (let chain = 0; chain < CHAIN_COUNT; chain++) heads[chain] = await deps.audit.head(chain);
  const previous = (await deps.audit.digests()).at(-1);
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const body = { at, heads, prevDigestHash: previous?.digestHash ?? GENESIS };
  const digestHash = digestHashOf(body);
  const digest: Digest = { digestId: randomId('dig'), ...body, digestHash, signature: await deps.signer.sign(digestHash), keyId: deps.signer.keyId };
  await deps.audit.putDigest(digest);
  return digest;
}

export async function verifyAudit(deps: SealDeps): Promise<VerifyResult> {
  const events: ChainedEvent[] = [];
  for await (const page of deps.audit.scan()) events.push(...page);
  const heads = new Map<number, ChainHead>();
  for (let chain = 0; chain < CHAIN_COUNT; chain++) heads.set(chain, await deps.audit.head(chain));
  const digests = await deps.audit.digests();
  const valid = new Set<string>();
  for (const d of digests) if (await deps.signer.verify(d.digestHash, d.signature)) valid.add(d.digestId);
  return verifyTrail(events, heads, digests, (d) => valid.has(d.digestId));
}
