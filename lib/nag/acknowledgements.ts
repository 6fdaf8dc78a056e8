/**
 * Every cdk-nag finding this project accepts, each with its reason. Adding a
 * line here is a security decision: write why, or fix the resource instead.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { App } from 'aws-cdk-lib';

export function applyNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

export function acknowledgeProvinceStackFindings(stack: IConstruct): void {
  const v = Validations.of(stack);
  v.acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'Every route except GET /v1/health is authenticated inside its Lambda by a signed request (JWS) that binds method, path, query and a hash of the body; an API Gateway authorizer cannot see the body, so it cannot do this check.',
  });
  v.acknowledge({
    id: 'AwsSolutions-KMS5',
    reason:
      'The blind-index key is an HMAC_256 key and the audit signing key is an ECC_NIST_P256 key: KMS rotates neither automatically (rotating the HMAC key would break exact lookups of existing records; a new signing key is introduced by a deploy, and old digests keep their key id); the symmetric keys rotate yearly.',
  });
}
