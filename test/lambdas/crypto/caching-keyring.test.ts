import { describe, expect, it } from 'vitest';
import { CachingKeyring } from '../../../lambdas/crypto/caching-keyring';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';

const context = { province: '540000', agency: 'xz-education', table: 'records' };

function setup(options: ConstructorParameters<typeof CachingKeyring>[1] = {}) {
  let now = 0;
  const inner = new LocalKeyring(generateLocalKeyMaterial());
  const keyring = new CachingKeyring(inner, { now: () => now, ...options });
  return { inner, keyring, advance: (ms: number) => (now += ms) };
}

describe('caching keyring', () => {
  it('reuses one data key per context until its use count runs out', async () => {
    const { inner, keyring } = setup({ maxUses: 3 });
    const keys = [];
    for (let i = 0; i < 7; i++) keys.push(await keyring.generateDataKey(context));
    expect(inner.calls.generateDataKey).toBe(3);
    expect(keys[0]).toBe(keys[2]);
    expect(keys[3]).not.toBe(keys[2]);
  });

  it('replaces a data key once it is older than the maximum age', async () => {
    const { inner, keyring, advance } = setup({ maxAgeMs: 1000 });
    await keyring.generateDataKey(context);
    advance(999);
    await keyring.generateDataKey(context);
    expect(inner.calls.generateDataKey).toBe(1);
    advance(1);
    await keyring.generateDataKey(context);
    expect(inner.calls.generateDataKey).toBe(2);
  });

  it('keeps separate keys for separate contexts', async () => {
    const { keyring } = setup();
    const a = await keyring.generateDataKey(context);
    const b = await keyring.generateDataKey({ ...context, agency: 'xz-health' });
    expect(Buffer.from(a.plaintext).equals(Buffer.from(b.plaintext))).toBe(false);
  });

  it('decrypts a key it generated without calling the key service', async () => {
    const { inner, keyring } = setup();
    const { plaintext, encrypted } = await keyring.generateDataKey(context);
    const opened = await keyring.decryptDataKey(encrypted, context);
    expect(Buffer.from(opened).equals(Buffer.from(plaintext))).toBe(true);
    expect(inner.calls.decryptDataKey).toBe(0);
  });

  it('forgets decrypted keys after the maximum age and bounds their number', async () => {
    const { inner, keyring, advance } = setup({ maxAgeMs: 1000, maxEntries: 2 });
    const other = new LocalKeyring(generateLocalKeyMaterial());
    const edks = [];
    for (let i = 0; i < 3; i++) edks.push((await inner.generateDataKey(context)).encrypted);
    void other;
    for (const edk of edks) await keyring.decryptDataKey(edk, context);
    expect(inner.calls.decryptDataKey).toBe(3);
    await keyring.decryptDataKey(edks[0]!, context); // evicted (LRU bound 2)
    expect(inner.calls.decryptDataKey).toBe(4);
    await keyring.decryptDataKey(edks[0]!, context); // cached
    expect(inner.calls.decryptDataKey).toBe(4);
    advance(1000);
    await keyring.decryptDataKey(edks[0]!, context); // expired
    expect(inner.calls.decryptDataKey).toBe(5);
  });

  it('derives each index key once', async () => {
    const { inner, keyring } = setup();
    const [a, b] = await Promise.all([keyring.deriveIndexKey('540000/id-number'), keyring.deriveIndexKey('540000/id-number')]);
    expect(a).toBe(b);
    expect(inner.calls.deriveIndexKey).toBe(1);
  });
});
