/**
 * Deployed bootstrap of the merge Lambdas: the run bucket from the environment (validated) and an S3 client.
 * Not the hub's sdkClient budgets (lambdas/shared/sdk-clients.ts): those are for millisecond DynamoDB calls on a
 * request's path, while a stage moves objects of up to a few hundred MB; an attempt may take two minutes.
 */
import { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { S3MergeObjects } from '../data/merge-objects';
import { runPrefix } from '../domain/matching/pipeline/run-keys';
import type { OpenRun } from '../groups/merge-stages';

export function openRunsFromEnvironment(env: NodeJS.ProcessEnv = process.env): OpenRun {
  const { XQ_MERGE_BUCKET } = z.object({ XQ_MERGE_BUCKET: z.string().min(3) }).parse(env);
  const s3 = new S3Client({ maxAttempts: 4, requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000, throwOnRequestTimeout: true } });
  return (runId) => new S3MergeObjects(s3, XQ_MERGE_BUCKET, runPrefix(runId));
}
