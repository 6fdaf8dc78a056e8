/** The chain pool: a writer keeps to the chain it last wrote, concurrent writers get different chains, a collision moves on. */
import { describe, expect, it } from 'vitest';
import { ChainPool } from '../../../lambdas/data/chain-pool';

describe('ChainPool', () => {
  it('gives concurrent writers different chains while idle chains remain', () => {
    const pool = new ChainPool(8);
    const taken = Array.from({ length: 8 }, () => pool.take().chain);
    expect(new Set(taken).size).toBe(8);
  });

  it('hands a writer back the chain it last wrote, with the head it wrote (no read needed)', () => {
    const pool = new ChainPool(8);
    const { chain, head } = pool.take();
    expect(head).toBeUndefined();
    pool.release(chain, { seq: 5, hash: 'h5' });
    expect(pool.take()).toEqual({ chain, head: { seq: 5, hash: 'h5' } });
  });

  it('moves a writer that met another off that chain, and forgets the head it had', () => {
    const pool = new ChainPool(2);
    const first = pool.take();
    pool.release(first.chain, undefined);
    const next = pool.take(first.chain);
    expect(next.chain).not.toBe(first.chain);
    expect(next.head).toBeUndefined();
  });

  it('still answers when every chain is busy (the transaction decides who wins)', () => {
    const pool = new ChainPool(2);
    pool.take();
    pool.take();
    const shared = pool.take();
    expect([0, 1]).toContain(shared.chain);
  });
});
