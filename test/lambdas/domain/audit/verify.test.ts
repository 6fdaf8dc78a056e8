/**
 * The streaming verifier on in-memory stores: it reports progress, reads each
 * chain from where an incremental run starts (never before), and records a
 * checkpoint only when the trail is intact.
 */
import { describe, expect, it } from 'vitest';
import { contentHash, digestHashOf, GENESIS, linkHash } from '../../../../lambdas/crypto/hash-chain';
import type { AuditEventReader, SealStore } from '../../../../lambdas/domain/audit/ports';
import { verifyAudit } from '../../../../lambdas/domain/audit/verify';
import type { ChainedEvent, ChainHead, Digest, VerifiedCheckpoint, VerifyProgress } from '../../../../schemas/entities/audit';

function trail(chains: number, perChain: number) {
  const events = new Map<number, ChainedEvent[]>();
  const heads = new Map<number, ChainHead>();
  for (let c = 0; c < chains; c++) {
    let prev = GENESIS;
    const list: ChainedEvent[] = [];
    for (let seq = 1; seq <= perChain; seq++) {
      const body = { eventId: `evt_${c}_${seq}`, time: `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`, route: 'GET /x' };
      const content = contentHash(body);
      const hash = linkHash(c, seq, prev, content);
      list.push({ ...body, chain: c, seq, prevHash: prev, hash, contentHash: content });
      prev = hash;
    }
    events.set(c, list);
    heads.set(c, { seq: perChain, hash: prev });
  }
  const digests: Digest[] = [];
  const checkpoints: VerifiedCheckpoint[] = [];
  const readFrom: [number, number][] = [];
  const reader: Pick<AuditEventReader, 'chain'> = {
    async *chain(chain, afterSeq) {
      readFrom.push([chain, afterSeq]);
      const list = (events.get(chain) ?? []).filter((e) => e.seq > afterSeq);
      for (let i = 0; i < list.length; i += 3) yield list.slice(i, i + 3);
    },
  };
  const seals: SealStore = {
    heads: async () => heads,
    putDigest: async (d) => void digests.push(d),
    latestDigest: async () => digests.at(-1),
    digest: async (at, id) => digests.find((d) => d.at === at && d.digestId === id),
    async *digestsAfter(after) {
      const i = after ? digests.findIndex((d) => d.digestId === after.digestId) + 1 : 0;
      if (digests.length > i) yield digests.slice(i);
    },
    latestCheckpoint: async () => checkpoints.at(-1),
    putCheckpoint: async (c) => void checkpoints.push(c),
  };
  const seal = (at: string, upTo: number) => {
    const h = Object.fromEntries([...events].map(([c, list]) => [String(c), { seq: upTo, hash: list[upTo - 1]!.hash }]));
    const body = { at, heads: h, prevDigestHash: digests.at(-1)?.digestHash ?? GENESIS };
    digests.push({ digestId: `dig_${digests.length}`, ...body, digestHash: digestHashOf(body), signature: 'sig', keyId: 'k' });
  };
  const signer = { verify: async (_m: string, s: string) => s === 'sig' };
  return { events, heads, digests, checkpoints, readFrom, reader, seals, seal, signer };
}

describe('verifyAudit', () => {
  it('reports progress up to every event it must read, and checkpoints the last digest of an intact trail', async () => {
    const t = trail(4, 10);
    t.seal('2026-01-01T00:00:05.500Z', 5);
    const progress: VerifyProgress[] = [];
    const result = await verifyAudit({ events: t.reader, seals: t.seals, signer: t.signer }, { progressEvery: 10, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ ok: true, mode: 'full', events: 40, chains: 4, digests: 1 });
    expect(progress.map((p) => p.events)).toEqual([10, 20, 30, 40, 40]);
    expect(progress.at(-1)).toEqual({ events: 40, digests: 1, total: 40 });
    expect(t.checkpoints).toEqual([expect.objectContaining({ digestId: 'dig_0' })]);
  });

  it('starts an incremental run where the last verified digest signed each chain, and reads nothing before', async () => {
    const t = trail(3, 10);
    t.seal('2026-01-01T00:00:08.500Z', 8);
    await verifyAudit({ events: t.reader, seals: t.seals, signer: t.signer });
    t.readFrom.length = 0;
    const result = await verifyAudit({ events: t.reader, seals: t.seals, signer: t.signer }, { mode: 'incremental' });
    expect(result).toMatchObject({ ok: true, mode: 'incremental', from: { digestId: 'dig_0' }, events: 6 });
    expect(t.readFrom.sort()).toEqual([
      [0, 8],
      [1, 8],
      [2, 8],
    ]);
  });

  it('falls back to a full run when the checkpointed digest is wrongly signed, and says so', async () => {
    const t = trail(2, 4);
    t.seal('2026-01-01T00:00:03.500Z', 3);
    await verifyAudit({ events: t.reader, seals: t.seals, signer: t.signer });
    t.digests[0] = { ...t.digests[0]!, signature: 'forged' };
    const result = await verifyAudit({ events: t.reader, seals: t.seals, signer: t.signer }, { mode: 'incremental' });
    expect(result.mode).toBe('full');
    expect(result.ok).toBe(false);
    expect(result.first?.kind).toBe('bad_signature');
  });

  it('names a changed event and records no checkpoint', async () => {
    const t = trail(2, 6);
    t.seal('2026-01-01T00:00:06.500Z', 6);
    const list = t.events.get(1)!;
    list[2] = { ...list[2]!, route: 'POST /y' };
    const result = await verifyAudit({ events: t.reader, seals: t.seals, signer: t.signer });
    expect(result.first).toMatchObject({ kind: 'changed', chain: 1, seq: 3, eventId: 'evt_1_3' });
    expect(t.checkpoints).toHaveLength(0);
  });
});
