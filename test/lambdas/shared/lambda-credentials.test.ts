/**
 * The Lambda bundles' credential provider (aliased over the SDK's default chain): the role's credentials from the
 * environment, as the Lambda runtime gives them, and a clear failure — never another source — when they are absent.
 * The bundle test checks that a bundle built as the stack builds it carries this provider and not the chain.
 */
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_ALIASES, BUNDLE_BANNER, BUNDLING_TARGET } from '../../../lib/constructs/hub-api';
import { defaultProvider } from '../../../lambdas/shared/lambda-credentials';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('Lambda credentials', () => {
  it('reads the role credentials the runtime puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    await expect(defaultProvider({})()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('fails closed without them: no profile file, SSO or metadata lookup', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_PROFILE = 'someone-else';
    await expect(defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });

  it('is what a bundle built as the stack builds it carries, instead of the default chain and its STS and SSO clients', async () => {
    const built = await build({
      entryPoints: ['lambdas/entry/cases.ts'],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: BUNDLING_TARGET,
      mainFields: ['module', 'main'],
      banner: { js: BUNDLE_BANNER },
      alias: { ...BUNDLE_ALIASES },
      define: { __XQ_REGISTRY__: JSON.stringify(JSON.stringify({ provinceCode: '540000', hubId: 'xinqiao-540000', agencies: [] })) },
      logLevel: 'silent',
    });
    const inputs = Object.keys(built.metafile.inputs);
    expect(inputs.some((f) => f.endsWith('lambdas/shared/lambda-credentials.ts'))).toBe(true);
    expect(inputs.filter((f) => /credential-provider-(node|ini|sso|process|web-identity)|nested-clients/.test(f))).toEqual([]);
  });
});
