/**
 * `npm run keygen -- --agency <agencyId> [--alg EdDSA|ES256] [--out dir]`
 * Generates a key pair for an agency system. The private JWK is written to
 * <out>/<kid>.private.jwk.json (mode 0600) for the agency system to keep; the
 * printed public entry goes into the province config's `keys` list.
 * Run it on the agency's side: the hub never needs the private key.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';

const { values } = parseArgs({
  options: {
    agency: { type: 'string' },
    alg: { type: 'string', default: 'EdDSA' },
    out: { type: 'string', default: '.' },
  },
});
if (!values.agency || !['EdDSA', 'ES256'].includes(values.alg!)) {
  console.error('usage: npm run keygen -- --agency <agencyId> [--alg EdDSA|ES256] [--out dir]');
  process.exit(2);
}
const alg = values.alg as 'EdDSA' | 'ES256';
const today = new Date().toISOString().slice(0, 10);
const kid = `${values.agency}-${today}`;
const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const privatePath = join(out, `${kid}.private.jwk.json`);
writeFileSync(privatePath, `${JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg }, null, 2)}\n`, { mode: 0o600 });
const { kty, crv, x, y } = await exportJWK(publicKey);
console.error(`Private key written to ${privatePath} (keep it on the agency system only).`);
console.log(JSON.stringify({ kid, alg, status: 'active', addedOn: today, publicJwk: { kty, crv, x, ...(y && { y }) } }, null, 2));
