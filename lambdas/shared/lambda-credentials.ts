/**
 * What the Lambda bundles use in place of `@aws-sdk/credential-provider-node` (esbuild alias, lib/constructs/hub-api.ts
 * BUNDLE_ALIASES): the Lambda runtime hands a function its role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the default chain's other sources (SSO, ini
 * files, process, web identity, container and instance metadata, with the STS and SSO clients they carry) are never
 * used there. Leaving them out takes about 140 KB off every bundle and its parse from every cold start
 * (`npm run bench -- --only 3`). Fails closed: with no credentials in the environment the SDK call fails with
 * CredentialsProviderError, it never looks elsewhere. The local hub and tests run from source with the real chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same name and call shape as the module it replaces; the init options of the other sources do not apply. */
export const defaultProvider = (_init?: unknown) => fromEnv();
