/**
 * Which audit chain an append uses. A process keeps the chains it is not
 * appending to, with the head it last wrote on each: an append takes the chain
 * it used last (so a Lambda instance, one request at a time, keeps to one chain
 * and appends without reading the head first), or a random idle one. A writer
 * that met another on a chain forgets that head and moves to another chain, so
 * concurrent writers spread out instead of queueing on one head. Correctness
 * never depends on this: the conditional transaction does; this only makes
 * writers meet rarely. Pure, in memory.
 */
import type { ChainHead } from '../../schemas/entities/audit';

export class ChainPool {
  /** Idle chains whose head this process wrote last, most recent last. */
  private readonly warm: { chain: number; head: ChainHead }[] = [];
  /** Idle chains with no known head. */
  private readonly cold = new Set<number>();

  constructor(private readonly chains: number) {
    for (let c = 0; c < chains; c++) this.cold.add(c);
  }

  /** A chain to append to (other than `avoid` when there is a choice), and its head if known. */
  take(avoid?: number): { chain: number; head?: ChainHead } {
    const w = this.warm.findLastIndex((x) => x.chain !== avoid);
    if (w >= 0) return this.warm.splice(w, 1)[0]!;
    const choices = [...this.cold].filter((c) => c !== avoid);
    if (choices.length > 0) {
      const chain = choices[Math.floor(Math.random() * choices.length)]!;
      this.cold.delete(chain);
      return { chain };
    }
    // Every chain is busy in this process: share one (the transaction decides who wins).
    return { chain: Math.floor(Math.random() * this.chains) };
  }

  release(chain: number, head: ChainHead | undefined): void {
    if (this.warm.some((w) => w.chain === chain) || this.cold.has(chain)) return;
    if (head) this.warm.push({ chain, head });
    else this.cold.add(chain);
  }
}
