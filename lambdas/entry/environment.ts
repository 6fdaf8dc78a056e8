/**
 * Deployed Lambda bootstrap: reads the settings the stack passes in
 * environment variables (validated), the agency registry that was compiled
 * into the bundle at synth time, and builds the runtime with a KMS keyring.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsListQueue } from '../data/list-queue';
import * as z from 'zod';
import type { AgencyRegistryConfig } from '../../schemas/province-config';
import { KmsKeyring } from '../crypto/kms-keyring';
import { KmsDigestSigner } from '../crypto/digest-signer';
import { TABLES, tableEnvVar, type TableId, type TableNames } from '../data/tables';
import { createRuntime, type HubRuntime } from '../runtime';
import { sdkClient } from '../shared/sdk-clients';

/** Replaced by esbuild at synth time with the province's agency registry (public keys only). */
declare const __XQ_REGISTRY__: string;

export const lambdaEnvironment = z.object({
  XQ_FIELD_KEY_ARN: z.string().default(''),
  XQ_INDEX_KEY_ARN: z.string().default(''),
  XQ_LIST_QUEUE_URL: z.string().default(''),
  XQ_AUDIT_SIGNING_KEY_ARN: z.string().default(''),
  XQ_NOTIFICATION_SIGNING_KEY_ARN: z.string().default(''),
  /** Comma-separated: notification keys being retired, published but no longer signing. */
  XQ_NOTIFICATION_RETIRED_KEY_ARNS: z.string().default(''),
  XQ_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(365),
});

export function runtimeFromEnvironment(env: NodeJS.ProcessEnv = process.env): HubRuntime {
  const settings = lambdaEnvironment.parse(env);
  const tables = Object.fromEntries(
    (Object.keys(TABLES) as TableId[]).map((id) => {
      const name = env[tableEnvVar(id)];
      if (!name) throw new Error(`${tableEnvVar(id)} is not set`);
      return [id, name];
    }),
  ) as TableNames;
  const registry = JSON.parse(__XQ_REGISTRY__) as AgencyRegistryConfig;
  const kms = sdkClient((config) => new KMSClient(config), 'kms');
  return createRuntime({
    registry,
    dynamo: sdkClient((config) => new DynamoDBClient(config), 'dynamodb'),
    tables,
    keyring: new KmsKeyring({
      client: kms,
      fieldKeyId: settings.XQ_FIELD_KEY_ARN,
      indexKeyId: settings.XQ_INDEX_KEY_ARN,
    }),
    auditRetentionDays: settings.XQ_AUDIT_RETENTION_DAYS,
    listQueue: new SqsListQueue(
      sdkClient((config) => new SQSClient(config), 'sqs'),
      settings.XQ_LIST_QUEUE_URL,
    ),
    signer: new KmsDigestSigner(kms, settings.XQ_AUDIT_SIGNING_KEY_ARN),
    notificationSigner: new KmsDigestSigner(kms, settings.XQ_NOTIFICATION_SIGNING_KEY_ARN),
    retiredNotificationKeys: settings.XQ_NOTIFICATION_RETIRED_KEY_ARNS.split(',')
      .filter(Boolean)
      .map((arn) => new KmsDigestSigner(kms, arn)),
  });
}
