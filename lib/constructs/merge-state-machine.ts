/**
 * The list merge past one machine (issue 11 point 4; plan and figures in docs/scale.md): a Step Functions
 * state machine whose Distributed Map states run the engine's stages as Lambdas over the chunks of a run in
 * the province's merge bucket:
 *
 *   Plan -> Normalise (map over chunks) -> Index -> CountBlocks, ComparePairs (maps over blocking
 *   partitions) -> Estimate -> Score (map over partitions) -> Split -> Route (map over chunks)
 *   -> Link (map over link groups) -> Assemble
 *
 * Each Lambda calls the pure stage functions the local runners call (lambdas/domain/matching/pipeline);
 * data moves between them as objects under merge/<runId>/ (the operator uploads the lists under
 * merge/<runId>/input/<agency>/, the cases come out under merge/<runId>/out/). The bucket is encrypted with
 * the province key (SSE-KMS, bucket key), refuses plain HTTP, blocks public access, logs access and expires a
 * run's objects after `retentionDays`. Each Lambda's role reaches only the objects lambdas/merge-stages.ts
 * names for it; Lambda results are counts, so no personal data enters the execution history.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { MERGE_STAGE_NEEDS, MERGE_STAGES, type MergeStage } from '../../lambdas/merge-stages';
import type { ListSynonymsConfig } from '../../schemas/list-synonyms';
import type { StageSettings } from '../config/stages';
import { LAMBDA_RUNTIME, lambdaBundling } from './hub-api';

export interface MergeStateMachineProps {
  readonly provinceCode: string;
  readonly stage: StageSettings;
  /** The province's symmetric key: encrypts the merge bucket (SSE-KMS). */
  readonly key: kms.IKey;
  readonly listSynonyms?: ListSynonymsConfig;
  readonly logRetentionDays: logs.RetentionDays;
  /** Days a run's objects (lists, intermediate stages, results) are kept. Default 30. */
  readonly retentionDays?: number;
  /** Items of one Distributed Map processed at once. Default 100. */
  readonly maxConcurrency?: number;
}

const entryOf = (name: string) => fileURLToPath(new URL(`../../lambdas/entry/${name}.ts`, import.meta.url));
const RUN = 'merge/*/';

export class MergeStateMachine extends Construct {
  readonly bucket: s3.Bucket;
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Readonly<Record<MergeStage, NodejsFunction>>;
  readonly #maps: string[] = [];

  constructor(scope: Construct, id: string, props: MergeStateMachineProps) {
    super(scope, id);
    const secure = { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN };
    // Server access logs cannot be delivered to an SSE-KMS bucket: S3-managed keys for the log bucket only.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    this.bucket = new s3.Bucket(this, 'Runs', {
      ...secure,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'runs/',
      lifecycleRules: [{ prefix: 'merge/', expiration: Duration.days(props.retentionDays ?? 30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    // Objects are encrypted with the province key: an upload asking for another key, or for SSE-S3, is refused.
    const deny = (sid: string, conditions: Record<string, unknown>) =>
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects('*')],
          conditions,
        }),
      );
    deny('OnlySseKms', { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } });
    deny('OnlyTheProvinceKey', { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': props.key.keyArn } });

    const functions = {} as Record<MergeStage, NodejsFunction>;
    for (const name of MERGE_STAGES) functions[name] = this.#function(name, props);
    this.functions = functions;

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', { retention: props.logRetentionDays });
    this.stateMachine = new sfn.StateMachine(this, 'Machine', {
      stateMachineName: `xinqiao-${props.provinceCode}-${props.stage.name}-list-merge`,
      comment: `Xinqiao ${props.provinceCode}: list merge of a run's chunks in the merge bucket (docs/scale.md)`,
      definitionBody: sfn.DefinitionBody.fromChainable(this.#definition(props)),
      timeout: Duration.hours(6),
      tracingEnabled: true,
      // Every state's events, without their input and output (they hold run ids and counts, but stay out by rule).
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // The item lists are objects of the bucket, encrypted with the province key.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadItemListsViaS3',
        actions: ['kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } },
      }),
    );
    this.#acknowledge();
  }

  #definition(props: MergeStateMachineProps): sfn.IChainable {
    const f = this.functions;
    const step = (id: string, name: MergeStage, payload: Record<string, unknown>, resultPath: string = sfn.JsonPath.DISCARD) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: f[name],
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        resultPath,
        retryOnServiceExceptions: true,
      });
    const runId = sfn.JsonPath.stringAt('$.runId');
    // Over the items of one list the plan wrote (merge/<runId>/plan/<items>.json); each item is a stage's input.
    const map = (id: string, items: 'chunks' | 'partitions' | 'groups', name: MergeStage, extra: Record<string, string> = {}) => {
      const m = new sfn.DistributedMap(this, id, {
        itemReader: new sfn.S3JsonItemReader({ bucket: this.bucket, key: sfn.JsonPath.stringAt(`$.plan.${items}Key`) }),
        maxConcurrency: props.maxConcurrency ?? 100,
        resultPath: sfn.JsonPath.DISCARD,
        label: id,
      });
      this.#maps.push(id);
      m.itemProcessor(step(`${id}Item`, name, { ...extra, item: sfn.JsonPath.objectAt('$') }, '$'));
      return m;
    };
    const plan = step('Plan', 'merge-coordinator', { step: 'plan', runId, partitions: sfn.JsonPath.numberAt('$.partitions') }, '$.planned');
    const keys = new sfn.Pass(this, 'ItemLists', {
      parameters: {
        chunksKey: sfn.JsonPath.format('merge/{}/plan/chunks.json', runId),
        partitionsKey: sfn.JsonPath.format('merge/{}/plan/partitions.json', runId),
        groupsKey: sfn.JsonPath.format('merge/{}/plan/groups.json', runId),
      },
      resultPath: '$.plan',
    });
    const global = (id: string, name: string) => step(id, 'merge-coordinator', { step: name, runId });
    return plan
      .next(keys)
      .next(map('Normalise', 'chunks', 'merge-normalise', { step: 'normalise' }))
      .next(global('Index', 'index'))
      .next(map('CountBlocks', 'partitions', 'merge-block', { step: 'count' }))
      .next(map('ComparePairs', 'partitions', 'merge-block', { step: 'pairs' }))
      .next(global('Estimate', 'estimate'))
      .next(map('Score', 'partitions', 'merge-score'))
      .next(global('Split', 'split'))
      .next(map('Route', 'chunks', 'merge-normalise', { step: 'route' }))
      .next(map('Link', 'groups', 'merge-link'))
      .next(step('Assemble', 'merge-coordinator', { step: 'assemble', runId }, '$.summary'));
  }

  #function(name: MergeStage, props: MergeStateMachineProps): NodejsFunction {
    const needs = MERGE_STAGE_NEEDS[name];
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: props.logRetentionDays });
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Xinqiao ${props.provinceCode} ${name}: least privilege`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const objects = (keys: readonly string[]) => keys.map((k) => this.bucket.arnForObjects(`${RUN}${k}${k.endsWith('/') ? '*' : ''}`));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadRunObjects', actions: ['s3:GetObject'], resources: objects(needs.reads) }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'WriteRunObjects', actions: ['s3:PutObject'], resources: objects(needs.writes) }));
    if (needs.lists.length)
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ListRunObjects',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': needs.lists.map((k) => `${RUN}${k}`) } },
        }),
      );
    const region = Stack.of(this).region;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunObjectsEncryptionViaS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.${Stack.of(this).urlSuffix}` } },
      }),
    );
    return new NodejsFunction(this, `${name}Function`, {
      ...LAMBDA_RUNTIME,
      entry: entryOf(name),
      memorySize: needs.memoryMb,
      timeout: Duration.minutes(15),
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: `xinqiao-${name}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        XQ_MERGE_BUCKET: this.bucket.bucketName,
      },
      bundling: lambdaBundling(name === 'merge-normalise' ? { __XQ_LIST_SYNONYMS__: JSON.stringify(JSON.stringify(props.listSynonyms ?? null)) } : {}),
    });
  }

  /** The wildcards cdk-nag finds, each scoped and explained. */
  #acknowledge(): void {
    const stack = Stack.of(this);
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const name of MERGE_STAGES) {
      const needs = MERGE_STAGE_NEEDS[name];
      const v = Validations.of(this.functions[name].role!);
      const reason = `A run's objects live under merge/<runId>/ (the run id is chosen per execution); ${name} reaches only the prefixes lambdas/merge-stages.ts names for it, in every run.`;
      for (const k of new Set([...needs.reads, ...needs.writes]))
        v.acknowledge({ id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${RUN}${k}${k.endsWith('/') ? '*' : ''}]`, reason });
    }
    const machine = Validations.of(this.stateMachine);
    const machineId = stack.getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const execution = `arn:<AWS::Partition>:states:${region}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}`;
    const findings: [string, string][] = [
      ...MERGE_STAGES.map((name): [string, string] => [
        `<${stack.getLogicalId(this.functions[name].node.defaultChild as lambda.CfnFunction)}.Arn>:*`,
        'Set by aws-cdk-lib LambdaInvoke: the state may call the stage function and its versions (<arn>:*); only the five stage functions are named.',
      ]),
      [
        `arn:<AWS::Partition>:s3:::<${bucketId}>/*`,
        "Set by aws-cdk-lib for the Distributed Maps' S3 item reader: the plan's item lists are objects of the merge bucket under a run id chosen per execution.",
      ],
      ['*', 'X-Ray tracing (PutTraceSegments, sampling rules) and CloudWatch Logs delivery for the execution log take no resource: AWS requires "*".'],
      ...['', ...this.#maps].map((label): [string, string] => [
        `${execution}${label && `/${label}`}:*`,
        "Set by aws-cdk-lib for Distributed Map: this state machine's own executions and their map runs (started, described, stopped by it).",
      ]),
    ];
    for (const [resource, reason] of findings) machine.acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }
}
