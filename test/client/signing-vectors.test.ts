/**
 * The signing test vectors (client/test-vectors/signing-v1.json) agencies use to check a signer of their own: the
 * file is what scripts/signing-vectors.ts makes, the hub's verifier accepts every valid vector and refuses every
 * invalid one with its code, and the Python reference signer (client/reference/python) reproduces them (run where
 * python3 with the cryptography package is present, as on the project's machines and CI).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgencyRegistry } from '../../lambdas/auth/registry';
import { verifyRequest } from '../../lambdas/auth/verify-request';
import { AuthBindingMismatchError, AuthError } from '../../lambdas/shared/errors';
import { buildVectors, VECTORS_FILE } from '../../scripts/signing-vectors';

const vectors = JSON.parse(readFileSync(VECTORS_FILE, 'utf8'));
const registry = new AgencyRegistry({
  provinceCode: '540000',
  hubId: vectors.hubId,
  agencies: [
    {
      id: 'vector-agency',
      type: 'education',
      name: { zh: '测试向量', en: 'Test vectors' },
      status: 'active',
      keys: vectors.keys.map((k: any) => ({ kid: k.kid, alg: k.alg, status: 'active', publicJwk: k.publicJwk })),
    },
  ],
});

const bindingOf = (r: { method: string; pathWithQuery: string; body?: string }) => ({
  method: r.method,
  pathWithQuery: r.pathWithQuery,
  body: new TextEncoder().encode(r.body ?? ''),
});

async function verdict(token: string, request: { method: string; pathWithQuery: string; body?: string }, now: number) {
  try {
    await verifyRequest(`Bearer ${token}`, bindingOf(request), registry, now);
    return { code: 'OK' };
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return { code: (error as AuthError).code, ...(error instanceof AuthBindingMismatchError && { detail: error.claim }) };
  }
}

const decoded = (token: string) => {
  const [h, p] = token.split('.') as [string, string];
  return { header: Buffer.from(h, 'base64url').toString('utf8'), payload: Buffer.from(p, 'base64url').toString('utf8'), signingInput: `${h}.${p}` };
};

const python = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
const hasPython = python.status === 0;

describe('signing test vectors', () => {
  it('are exactly what the generator makes from the kept keys', async () => {
    expect(`${JSON.stringify(await buildVectors(), null, 2)}\n`).toBe(readFileSync(VECTORS_FILE, 'utf8'));
  });

  it('cover both algorithms, bodies and none, purpose and staff, and a refusal for every check the hub makes', () => {
    expect(new Set(vectors.valid.map((v: any) => vectors.keys.find((k: any) => k.kid === v.kid).alg))).toEqual(new Set(['EdDSA', 'ES256']));
    expect(new Set(vectors.invalid.map((v: any) => v.expectedError))).toEqual(
      new Set([
        'AUTH_BINDING_MISMATCH',
        'AUTH_EXPIRED',
        'AUTH_NOT_YET_VALID',
        'AUTH_LIFETIME_TOO_LONG',
        'AUTH_BAD_SIGNATURE',
        'AUTH_UNSUPPORTED_ALG',
        'AUTH_UNKNOWN_KEY',
        'AUTH_MALFORMED',
      ]),
    );
    expect(new Set(vectors.invalid.filter((v: any) => v.detail).map((v: any) => v.detail))).toEqual(new Set(['bsh', 'htu', 'htm', 'aud', 'typ', 'iss']));
  });

  it('every valid vector verifies at its issue time, and its parts are what the token carries', async () => {
    for (const v of vectors.valid) {
      if (v.expected.deterministic) {
        expect(decoded(v.expected.token), v.name).toEqual({ header: v.expected.header, payload: v.expected.payload, signingInput: v.expected.signingInput });
        expect(await verdict(v.expected.token, v.request, v.request.iat), v.name).toEqual({ code: 'OK' });
      }
      expect(JSON.parse(v.expected.payload).bsh, v.name).toBe(v.expected.bsh);
    }
  });

  it('every invalid vector is refused with its code (and the claim, for a binding mismatch)', async () => {
    for (const v of vectors.invalid) {
      expect(await verdict(v.token, v.request, v.now), v.name).toEqual({ code: v.expectedError, ...(v.detail && { detail: v.detail }) });
    }
  });

  it.skipIf(!hasPython)('the Python reference signer reproduces every vector (python3 with cryptography)', async () => {
    const run = spawnSync('python3', [join('client', 'reference', 'python', 'xinqiao_sign.py'), VECTORS_FILE], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const tokens = JSON.parse(run.stdout) as Record<string, string>;
    expect(Object.keys(tokens)).toEqual(vectors.valid.map((v: any) => v.name));
    for (const v of vectors.valid) {
      const token = tokens[v.name]!;
      const { signingInput, header, payload } = decoded(token);
      expect({ header, payload, signingInput }, v.name).toEqual({
        header: v.expected.header,
        payload: v.expected.payload,
        signingInput: v.expected.signingInput,
      });
      if (v.expected.deterministic) expect(token, v.name).toBe(v.expected.token);
      expect(await verdict(token, v.request, v.request.iat), v.name).toEqual({ code: 'OK' });
    }
  });

  it('the Python reference signer stays under 100 lines', () => {
    expect(
      readFileSync(join('client', 'reference', 'python', 'xinqiao_sign.py'), 'utf8')
        .trimEnd()
        .split('\n').length,
    ).toBeLessThan(100);
  });
});
