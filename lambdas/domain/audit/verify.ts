/**
 * Verification of the audit trail, streaming: each chain is read in order from
 * its index a page at a time, the signed digests a page at a time, so memory
 * stays bounded (a page per chain) however long the trail. A full verification
 * starts every chain at its beginning; an incremental one starts from the last
 * signed digest a verification found intact (its checkpoint), re-checking that
 * digest's signature. Progress is reported as events are read.
 *
 * What each tampering looks like (docs/audit.md): a changed event fails its
 * contentHash; a moved one fails its link; a deleted one leaves a gap in seq; a
 * cut-off end is caught by the chain heads and the signed digests.
 */
import type { ChainedEvent, ChainHead, Digest, Problem, VerifyProgress, VerifyResult } from '../../../schemas/entities/audit';
import { contentHash, digestHashOf, GENESIS, linkHash } from '../../crypto/hash-chain';
import type { DigestSigner } from '../../crypto/digest-signer';
import type { AuditEventReader, SealStore } from './ports';

export interface VerifyDeps {
  readonly events: Pick<AuditEventReader, 'chain'>;
  readonly seals: SealStore;
  readonly signer: Pick<DigestSigner, 'verify'>;
  readonly now?: () => Date;
}

export interface VerifyOptions {
  readonly mode?: 'full' | 'incremental';
  /** Called as the verification goes (every `progressEvery` events, and at the end). */
  readonly onProgress?: (p: VerifyProgress) => void;
  readonly progressEvery?: number;
}

/** Reads one chain forward, checking each event against the one before it. */
class ChainWalk {
  private readonly pages: AsyncIterator<ChainedEvent[]>;
  private buffer: ChainedEvent[] = [];
  private ended = false;
  /** The next sequence number expected, and the hash of the last event read. */
  private expected: number;
  private prev: string;
  /** The last event read (its position and hash), for digest and head checks. */
  last: ChainHead;
  read = 0;

  constructor(
    readonly chain: number,
    start: ChainHead,
    reader: Pick<AuditEventReader, 'chain'>,
    private readonly problems: Problem[],
    private readonly onRead: () => void,
  ) {
    this.expected = start.seq + 1;
    this.prev = start.hash;
    this.last = start;
    this.pages = reader.chain(chain, start.seq)[Symbol.asyncIterator]();
  }

  /** Reads every event up to and including `seq` (all of them when omitted); false when the chain ends first. */
  async advanceTo(seq = Number.POSITIVE_INFINITY): Promise<boolean> {
    while (this.last.seq < seq) {
      if (this.buffer.length === 0) {
        if (this.ended) return false;
        const page = await this.pages.next();
        if (page.done) {
          this.ended = true;
          return false;
        }
        this.buffer = page.value;
        continue;
      }
      if (this.buffer[0]!.seq > seq) return false;
      this.check(this.buffer.shift()!);
    }
    return true;
  }

  private check(e: ChainedEvent): void {
    const { chain } = this;
    const base = { chain, seq: e.seq, eventId: e.eventId, ...(typeof e.time === 'string' && { time: e.time }) };
    if (e.seq > this.expected) {
      this.problems.push({
        ...base,
        kind: 'deleted',
        seq: this.expected,
        detail: `events ${this.expected}..${e.seq - 1} of chain ${chain} are missing before this one`,
      });
    } else if (e.seq < this.expected) {
      this.problems.push({ ...base, kind: 'reordered', detail: `sequence number ${e.seq} appears twice in chain ${chain}` });
    }
    if (contentHash(e) !== e.contentHash) {
      this.problems.push({ ...base, kind: 'changed', detail: 'the event content does not match its hash' });
    } else if (linkHash(chain, e.seq, e.prevHash, e.contentHash) !== e.hash) {
      this.problems.push({ ...base, kind: 'reordered', detail: 'the event does not belong at this position of its chain' });
    } else if (e.seq === this.expected && e.prevHash !== this.prev) {
      this.problems.push({ ...base, kind: 'reordered', detail: 'the event is not linked to the one before it' });
    }
    this.prev = e.hash;
    this.expected = Math.max(this.expected, e.seq + 1);
    this.last = { seq: Math.max(this.last.seq, e.seq), hash: e.hash };
    this.read++;
    this.onRead();
  }
}

/** Where a verification starts: every chain's position, the digest chain's last hash, and the digest to continue after. */
interface Start {
  readonly mode: 'full' | 'incremental';
  readonly heads: ReadonlyMap<number, ChainHead>;
  readonly prevDigestHash: string;
  readonly after?: Digest;
}

async function startOf(deps: VerifyDeps, mode: 'full' | 'incremental', problems: Problem[]): Promise<Start> {
  const full: Start = { mode: 'full', heads: new Map(), prevDigestHash: GENESIS };
  if (mode === 'full') return full;
  const checkpoint = await deps.seals.latestCheckpoint();
  const digest = checkpoint && (await deps.seals.digest(checkpoint.digestAt, checkpoint.digestId));
  if (!digest) return full;
  if (digestHashOf(digest) !== digest.digestHash || !(await deps.signer.verify(digest.digestHash, digest.signature))) {
    problems.push({
      chain: -1,
      seq: 0,
      kind: 'bad_signature',
      time: digest.at,
      detail: `digest ${digest.digestId} of ${digest.at} (the last verified) is altered or wrongly signed`,
    });
    return full;
  }
  const heads = new Map(Object.entries(digest.heads).map(([c, h]) => [Number(c), h] as const));
  return { mode: 'incremental', heads, prevDigestHash: digest.digestHash, after: digest };
}

export async function verifyAudit(deps: VerifyDeps, options: VerifyOptions = {}): Promise<VerifyResult> {
  const problems: Problem[] = [];
  const start = await startOf(deps, options.mode ?? 'full', problems);
  const heads = await deps.seals.heads();
  const total = [...heads].reduce((n, [c, h]) => n + Math.max(0, h.seq - (start.heads.get(c)?.seq ?? 0)), 0);
  let events = 0;
  let digests = 0;
  const every = options.progressEvery ?? 10_000;
  const report = () => options.onProgress?.({ events, digests, total });
  const walks = new Map<number, ChainWalk>();
  const walk = (chain: number) => {
    let w = walks.get(chain);
    if (!w) {
      w = new ChainWalk(chain, start.heads.get(chain) ?? { seq: 0, hash: GENESIS }, deps.events, problems, () => ++events % every === 0 && report());
      walks.set(chain, w);
    }
    return w;
  };

  // Digests in order, a page at a time; each page's heads are checked chain by chain, the chains in parallel.
  let prevDigest = start.prevDigestHash;
  let lastGood: Digest | undefined = start.after;
  for await (const page of deps.seals.digestsAfter(start.after && { at: start.after.at, digestId: start.after.digestId })) {
    for (const d of page) {
      const signed = digestHashOf(d) === d.digestHash && d.prevDigestHash === prevDigest && (await deps.signer.verify(d.digestHash, d.signature));
      if (!signed)
        problems.push({
          chain: -1,
          seq: 0,
          kind: 'bad_signature',
          time: d.at,
          detail: `digest ${d.digestId} of ${d.at} is altered, unlinked or wrongly signed`,
        });
      prevDigest = d.digestHash;
      digests++;
      lastGood = d;
    }
    const chains = new Set(page.flatMap((d) => Object.keys(d.heads).map(Number)));
    await Promise.all(
      [...chains].map(async (chain) => {
        const w = walk(chain);
        for (const d of page) {
          const h = d.heads[chain];
          if (!h || h.seq <= (start.heads.get(chain)?.seq ?? 0)) continue;
          if (!(await w.advanceTo(h.seq)) || w.last.seq < h.seq) {
            problems.push({
              chain,
              seq: w.last.seq + 1,
              kind: 'truncated',
              time: d.at,
              detail: `digest of ${d.at} saw chain ${chain} at ${h.seq}; the trail ends at ${w.last.seq}`,
            });
          } else if (w.last.hash !== h.hash) {
            problems.push({
              chain,
              seq: h.seq,
              kind: 'digest_mismatch',
              time: d.at,
              detail: `chain ${chain} up to ${h.seq} differs from the digest of ${d.at}`,
            });
          }
        }
      }),
    );
  }

  // Then every chain to its end, against its head.
  const allChains = new Set([...heads.keys(), ...walks.keys()]);
  await Promise.all(
    [...allChains].map(async (chain) => {
      const w = walk(chain);
      await w.advanceTo();
      const head = heads.get(chain);
      if (head && head.seq > w.last.seq) {
        problems.push({ chain, seq: w.last.seq + 1, kind: 'truncated', detail: `chain ${chain} ends at ${w.last.seq} but its head says ${head.seq}` });
      }
    }),
  );
  report();

  const order = (p: Problem) => `${p.time ?? '9999'}|${String(p.chain).padStart(3, '0')}|${String(p.seq).padStart(12, '0')}`;
  const sorted = [...new Map(problems.map((p) => [`${p.kind}|${p.chain}|${p.seq}|${p.eventId ?? ''}`, p])).values()].sort((a, b) =>
    order(a) < order(b) ? -1 : 1,
  );
  const ok = sorted.length === 0;
  if (ok && lastGood) {
    await deps.seals.putCheckpoint({ digestId: lastGood.digestId, digestAt: lastGood.at, verifiedAt: (deps.now ?? (() => new Date()))().toISOString() });
  }
  return {
    ok,
    mode: start.mode,
    ...(start.after && { from: { digestId: start.after.digestId, at: start.after.at } }),
    events,
    chains: [...walks.values()].filter((w) => w.read > 0).length,
    digests,
    ...(sorted[0] && { first: sorted[0] }),
    problems: sorted,
  };
}
