import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlindIndexer } from '../../../lambdas/crypto/blind-index';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';

describe('blind indexes', () => {
  const keyring = new LocalKeyring(generateLocalKeyMaterial());
  const index = new BlindIndexer(keyring, '540000');
  const id = '540102201305040025';

  it('is deterministic, so it supports exact lookups', async () => {
    expect(await index.compute('id-number', id)).toBe(await index.compute('id-number', id));
  });

  it('uses a separate derived key per index', async () => {
    expect(await index.compute('id-number', id)).not.toBe(await index.compute('external-id', id));
  });

  it('is never a plain hash of the value', async () => {
    const value = await index.compute('id-number', id);
    expect(value).not.toBe(createHash('sha256').update(id).digest('base64url'));
    expect(value).not.toBe(createHmac('sha256', '').update(id).digest('base64url'));
  });

  it('keeps the parts of a composite value apart', async () => {
    expect(await index.compute('external-id', 'ab', 'c')).not.toBe(await index.compute('external-id', 'a', 'bc'));
  });

  it('differs between provinces and between key roots', async () => {
    const tibet = await index.compute('id-number', id);
    expect(await new BlindIndexer(keyring, '310000').compute('id-number', id)).not.toBe(tibet);
    expect(await new BlindIndexer(new LocalKeyring(generateLocalKeyMaterial()), '540000').compute('id-number', id)).not.toBe(tibet);
  });
});
