import { unzipSync } from 'fflate';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { deterministicZip } from '../../../lambdas/shared/zip';

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

const files = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,12}\.csv$/), fc.uint8Array({ maxLength: 2000 })), {
  selector: ([name]) => name,
  maxLength: 8,
});

describe('deterministicZip', () => {
  it('gives the same bytes for the same files, and they unzip to what went in, in order', () => {
    fc.assert(
      fc.property(files, (input) => {
        const a = deterministicZip(input);
        const b = deterministicZip(input.map(([n, bytes]) => [n, Uint8Array.from(bytes)] as const));
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
        const out = unzipSync(a);
        expect(Object.keys(out)).toEqual(input.map(([n]) => n));
        for (const [n, bytes] of input) expect(Buffer.from(out[n]!).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the machine time zone', () => {
    const input = [['01-a.csv', new TextEncoder().encode('\uFEFF编号(id)\r\n1\r\n')]] as const;
    process.env.TZ = 'UTC';
    const utc = deterministicZip(input);
    process.env.TZ = 'Asia/Shanghai';
    const shanghai = deterministicZip(input);
    process.env.TZ = 'America/Los_Angeles';
    const la = deterministicZip(input);
    expect(Buffer.from(shanghai).equals(Buffer.from(utc))).toBe(true);
    expect(Buffer.from(la).equals(Buffer.from(utc))).toBe(true);
  });

  it('refuses two entries with one name', () => {
    const bytes = new Uint8Array([1]);
    expect(() =>
      deterministicZip([
        ['a.csv', bytes],
        ['a.csv', bytes],
      ]),
    ).toThrow(/duplicate zip entry a.csv/);
  });
});
