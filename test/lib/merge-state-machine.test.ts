/** CDK assertions on the list merge state machine (issue 11 point 4): encryption, least privilege, the stages' order, cdk-nag. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveStage } from '../../lib/config/stages';
import { MergeStateMachine } from '../../lib/constructs/merge-state-machine';
import { applyNagChecks } from '../../lib/nag/acknowledgements';
import { MERGE_STAGE_NEEDS, MERGE_STAGES } from '../../lambdas/merge-stages';

type Resource = { Type: string; Properties: Record<string, any> };
let app: App;
let stack: Stack;
let template: Template;
let merge: MergeStateMachine;
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const idOf = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);

beforeAll(() => {
  app = new App({ outdir: mkdtempSync(join(tmpdir(), 'xq-cdk-merge-')) });
  stack = new Stack(app, 'Merge', { env: { region: 'cn-northwest-1' } });
  const key = new kms.Key(stack, 'ProvinceKey', { enableKeyRotation: true });
  merge = new MergeStateMachine(stack, 'ListMerge', { provinceCode: '540000', stage: resolveStage('prod'), key, logRetentionDays: 365 });
  applyNagChecks(app);
  template = Template.fromStack(stack);
}, 120_000);

describe('list merge state machine', () => {
  it('keeps runs in a bucket encrypted with the province key (SSE-KMS), public access blocked, SSL only, access logged, expiring', () => {
    const bucket = template.toJSON().Resources[idOf(merge.bucket)] as Resource;
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^ProvinceKey/), 'Arn'] } },
        BucketKeyEnabled: true,
      },
    ]);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^ListMergeAccessLogs/) },
      LogFilePrefix: 'runs/',
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ Prefix: 'merge/', ExpirationInDays: 30, Status: 'Enabled' })]);
    expect(template.toJSON().Resources[idOf(merge.bucket)].DeletionPolicy).toBe('Retain');
    const policy = resources('AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Properties.Bucket).includes(idOf(merge.bucket)))![1];
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'OnlySseKms',
        Effect: 'Deny',
        Action: 's3:PutObject',
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }),
    );
    expect(statements.find((s) => s.Sid === 'OnlyTheProvinceKey').Condition.StringNotEqualsIfExists['s3:x-amz-server-side-encryption-aws-kms-key-id']).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ProvinceKey/), 'Arn'],
    });
  });

  it('runs the stages as Distributed Maps over the plan’s item lists in the bucket, in the engine’s order', () => {
    const machine = resources('AWS::StepFunctions::StateMachine')[0]![1];
    const body = machine.Properties.DefinitionString['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    const definition = JSON.parse(body);
    const order: string[] = [];
    for (let s = definition.StartAt; s; s = definition.States[s].Next) order.push(s);
    expect(order).toEqual([
      'Plan',
      'ItemLists',
      'Normalise',
      'Index',
      'CountBlocks',
      'ComparePairs',
      'Estimate',
      'Score',
      'Split',
      'Route',
      'Link',
      'Assemble',
    ]);
    const maps = order.filter((s) => definition.States[s].Type === 'Map');
    expect(maps).toEqual(['Normalise', 'CountBlocks', 'ComparePairs', 'Score', 'Route', 'Link']);
    for (const name of maps) {
      const state = definition.States[name];
      expect(state.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(state.ItemReader).toMatchObject({
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: 'TOKEN', 'Key.$': expect.stringMatching(/^\$\.plan\.(chunks|partitions|groups)Key$/) },
      });
      // No failed item is tolerated (the default): a stage that fails after its retries fails the run.
      expect(state.ToleratedFailurePercentage ?? state.ToleratedFailureCount).toBeUndefined();
      expect(state.ItemProcessor.States[state.ItemProcessor.StartAt].Retry).toEqual(
        expect.arrayContaining([expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) })]),
      );
      expect(state.ResultPath).toBeNull();
    }
    expect(definition.States.Normalise.ItemReader.Parameters['Key.$']).toBe('$.plan.chunksKey');
    expect(definition.States.Link.ItemReader.Parameters['Key.$']).toBe('$.plan.groupsKey');
    expect(definition.States.ItemLists.Parameters['chunksKey.$']).toBe("States.Format('merge/{}/plan/chunks.json', $.runId)");
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  it('gives each stage Lambda its own role reaching only its objects of a run, and the key only through S3', () => {
    const bucketArn = { 'Fn::GetAtt': [idOf(merge.bucket), 'Arn'] };
    for (const name of MERGE_STAGES) {
      const fn = template.toJSON().Resources[idOf(merge.functions[name])] as Resource;
      expect(fn.Properties.MemorySize).toBe(MERGE_STAGE_NEEDS[name].memoryMb);
      expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const policies = resources('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
      const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
      const objects = (keys: readonly string[]) => keys.map((k) => ({ 'Fn::Join': ['', [bucketArn, `/merge/*/${k}${k.endsWith('/') ? '*' : ''}`]] }));
      const one = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);
      const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
      expect(one(bySid('ReadRunObjects').Resource)).toEqual(objects(MERGE_STAGE_NEEDS[name].reads));
      expect(bySid('ReadRunObjects').Action).toBe('s3:GetObject');
      expect(one(bySid('WriteRunObjects').Resource)).toEqual(objects(MERGE_STAGE_NEEDS[name].writes));
      expect(bySid('WriteRunObjects').Action).toBe('s3:PutObject');
      if (MERGE_STAGE_NEEDS[name].lists.length)
        expect(one(bySid('ListRunObjects').Condition.StringLike['s3:prefix'])).toEqual(MERGE_STAGE_NEEDS[name].lists.map((k) => `merge/*/${k}`));
      else expect(bySid('ListRunObjects')).toBeUndefined();
      expect(bySid('RunObjectsEncryptionViaS3')).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
      });
      // Nothing else: no DynamoDB, no other key, no wildcard action.
      const actions = statements.flatMap((s) => one(s.Action) as string[]);
      expect(
        actions.filter((a) => !/^(s3:(GetObject|PutObject|ListBucket)|kms:(Decrypt|GenerateDataKey)|logs:(CreateLogStream|PutLogEvents))$/.test(a)),
      ).toEqual([]);
    }
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('lets the state machine invoke only the stage Lambdas and read item lists through the province key', () => {
    const roleId = template.toJSON().Resources[idOf(merge.stateMachine)].Properties.RoleArn['Fn::GetAtt'][0];
    const statements = resources('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const invoked = statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction')).flatMap((s) => [s.Resource].flat());
    const functionIds = new Set(MERGE_STAGES.map((n) => idOf(merge.functions[n])));
    for (const r of invoked) expect(functionIds.has(JSON.stringify(r).match(/"(ListMerge[A-Za-z0-9]+Function[A-Z0-9]+)"/)![1]!)).toBe(true);
    expect(statements.find((s) => s.Sid === 'ReadItemListsViaS3')).toMatchObject({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
    });
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('synthesises with cdk-nag AwsSolutions and no unacknowledged finding', () => {
    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});
