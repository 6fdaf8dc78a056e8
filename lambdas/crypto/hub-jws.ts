/**
 * Compact JWS (ES256) signed by a hub key behind the DigestSigner port, so that the key can stay in KMS: the
 * signing input is built here, KMS (or the local key) signs it, and the DER signature is turned into the JOSE
 * form (r || s, 32 bytes each). Receivers verify with any JOSE library and the hub's JWKS.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { DigestSigner } from './digest-signer';

/** A hub public key as published in the JWKS (RFC 7517), `kid` its RFC 7638 thumbprint. */
export interface HubJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/** The JWK of a P-256 SPKI DER public key; `kid` is the key's thumbprint, so a new key always has a new kid. */
export function jwkOfSpki(spki: Uint8Array): HubJwk {
  const jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new TypeError('a hub signing key must be an EC P-256 key');
  // RFC 7638: the required members only, in lexicographic order, no whitespace.
  const kid = createHash('sha256').update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`).digest('base64url');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
}

/** An ECDSA P-256 signature, DER `SEQUENCE { INTEGER r, INTEGER s }`, as JOSE wants it: r || s, 64 bytes. */
export function derToJose(der: Uint8Array): Buffer {
  const fail = () => new TypeError('not a DER ECDSA P-256 signature');
  let at = 0;
  const byte = () => {
    const b = der[at++];
    if (b === undefined) throw fail();
    return b;
  };
  if (byte() !== 0x30) throw fail();
  if (byte() !== der.length - 2) throw fail();
  const integer = () => {
    if (byte() !== 0x02) throw fail();
    const length = byte();
    if (length < 1 || length > 33 || at + length > der.length) throw fail();
    let value = Buffer.from(der.subarray(at, at + length));
    at += length;
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw fail();
    return Buffer.concat([Buffer.alloc(32 - value.length), value]);
  };
  const r = integer();
  const s = integer();
  if (at !== der.length) throw fail();
  return Buffer.concat([r, s]);
}

/** Signs compact JWS with one hub key; the JWK (and so the kid) is computed once. */
export class HubJwsSigner {
  #jwk: Promise<HubJwk> | undefined;

  constructor(private readonly key: DigestSigner) {}

  /** The public key as a JWK; a failed fetch (KMS down) is retried on the next call. */
  jwk(): Promise<HubJwk> {
    this.#jwk ??= this.key.publicKey().then(jwkOfSpki, (error: unknown) => {
      this.#jwk = undefined;
      throw error;
    });
    return this.#jwk;
  }

  /** `payload` is the exact text signed (the caller canonicalises it); the header is `{alg, kid, typ}`. */
  async sign(typ: string, payload: string): Promise<{ kid: string; token: string }> {
    const { kid } = await this.jwk();
    const input = `${b64url(JSON.stringify({ alg: 'ES256', kid, typ }))}.${b64url(payload)}`;
    const signature = derToJose(Buffer.from(await this.key.sign(input), 'base64'));
    return { kid, token: `${input}.${b64url(signature)}` };
  }
}
