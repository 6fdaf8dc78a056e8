/**
 * The stateless half of a province stack: one Lambda per route group, each
 * with its own role granting only what lambdas/routes.ts says the group needs,
 * behind an HTTP API with throttling and JSON access logs; plus the list
 * worker behind an SQS queue (with a dead-letter queue).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import {
  AUDIT_SEALER_NEEDS,
  CARE_JOBS_NEEDS,
  NOTIFICATION_WEBHOOKS_NEEDS,
  DEFAULT_ROUTE_GROUP,
  GROUP_NEEDS,
  LIST_WORKER_NEEDS,
  ROUTE_GROUP_OF,
  ROUTE_GROUPS,
  type GroupNeeds,
  type KeyedWrite,
  type RouteGroup,
} from '../../lambdas/routes';
import { TABLES, tableEnvVar, type TableId } from '../../lambdas/data/tables';
import type { ProvinceConfig } from '../../schemas/province-config';
import { type AUDIT_METRICS, METRICS_NAMESPACE } from '../../lambdas/shared/metrics';
import type { StageSettings } from '../config/stages';
import { careJobAlarms } from './care-job-alarms';
import type { DataStore } from './data-store';
import { readConsoleFiles } from '../../local/console-files';

export interface HubApiProps {
  readonly config: ProvinceConfig;
  readonly stage: StageSettings;
  readonly data: DataStore;
}

/** XQ_TABLE_<ID> for every table in lambdas/data/tables.ts. */
const tableEnvironment = (data: DataStore) => Object.fromEntries((Object.keys(TABLES) as TableId[]).map((id) => [tableEnvVar(id), data.tables[id].tableName]));

const entryOf = (name: string) => fileURLToPath(new URL(`../../lambdas/entry/${name}.ts`, import.meta.url));

/** The esbuild target every function shares; exported for the bundle benchmark (`npm run bench`). */
export const BUNDLING_TARGET = 'node22';
/** ESM bundles still hold CommonJS dependencies (the AWS SDK's among them): give them a `require`. */
export const BUNDLE_BANNER = "import { createRequire as __xqCreateRequire } from 'node:module'; const require = __xqCreateRequire(import.meta.url);";
/**
 * Modules every bundle replaces (esbuild alias): the SDK's default credential chain by the environment-only
 * provider the Lambda runtime needs (lambdas/shared/lambda-credentials.ts says why).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../../lambdas/shared/lambda-credentials.ts', import.meta.url)),
};
/** BUNDLE_ALIASES as NodejsFunction's esbuild arguments (every function of the stack, hub and merge stages alike). */
export const BUNDLE_ESBUILD_ARGS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(BUNDLE_ALIASES).map(([module, path]) => [`--alias:${module}`, path]),
);

/** What every function of the stack runs on (hub groups, jobs and merge stages alike): Node.js 24 on ARM, JSON logs. */
export const LAMBDA_RUNTIME = {
  handler: 'handler',
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  loggingFormat: lambda.LoggingFormat.JSON,
} as const;

/** How every function of the stack is bundled (hub groups, jobs and merge stages alike), with its own defines. */
export function lambdaBundling(define: Record<string, string> = {}): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: BUNDLING_TARGET,
    minify: true,
    sourceMap: false,
    // The SDK is bundled and pinned (package-lock), not loaded from the runtime's copy: a bundled,
    // minified, tree-shaken SDK initialises in about a third of the time (`npm run bench -- --only 3`), and
    // every Lambda runs the SDK version the tests ran.
    bundleAwsSDK: true,
    mainFields: ['module', 'main'],
    define,
    banner: BUNDLE_BANNER,
    esbuildArgs: { ...BUNDLE_ESBUILD_ARGS },
  };
}

export class HubApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly functions: Readonly<Record<RouteGroup | 'list-worker' | 'audit-sealer' | 'care-jobs' | 'notification-webhooks', NodejsFunction>>;
  readonly listQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: HubApiProps) {
    super(scope, id);
    const { config } = props;

    const deadLetters = new sqs.Queue(this, 'ListDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.listQueue = new sqs.Queue(this, 'ListQueue', {
      visibilityTimeout: Duration.seconds(180),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });

    const functions = {} as Record<RouteGroup | 'list-worker' | 'audit-sealer' | 'care-jobs' | 'notification-webhooks', NodejsFunction>;
    for (const group of ROUTE_GROUPS) functions[group] = this.#function(group, GROUP_NEEDS[group], props, Duration.seconds(25));
    const sealer = this.#function('audit-sealer', AUDIT_SEALER_NEEDS, props, Duration.seconds(60));
    new events.Rule(this, 'AuditSealSchedule', {
      description: `Seal a signed digest of the audit chain heads every ${config.auditDigestMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(config.auditDigestMinutes)),
      targets: [new targets.LambdaFunction(sealer, { event: events.RuleTargetInput.fromObject({ task: 'seal' }) })],
    });
    new events.Rule(this, 'AuditAlertsSchedule', {
      description: `Evaluate the alert thresholds every ${config.alerts.windowMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(config.alerts.windowMinutes)),
      targets: [new targets.LambdaFunction(sealer, { event: events.RuleTargetInput.fromObject({ task: 'alerts' }) })],
    });
    const worker = this.#function('list-worker', LIST_WORKER_NEEDS, props, Duration.seconds(150));
    worker.addEventSource(new SqsEventSource(this.listQueue, { batchSize: 5, reportBatchItemFailures: true }));
    functions['list-worker'] = worker;
    functions['audit-sealer'] = sealer;
    const careJobs = this.#function('care-jobs', CARE_JOBS_NEEDS, props, Duration.seconds(300));
    new events.Rule(this, 'CareOverdueSchedule', {
      description: 'Find overdue care work (referrals, follow-ups, plan activities and reviews) every hour; each item notifies once a day',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(careJobs, { event: events.RuleTargetInput.fromObject({ task: 'overdue' }) })],
    });
    functions['care-jobs'] = careJobs;
    // Under a minute, so that one run ends before the next starts (a post waits at most 5 s).
    const webhooks = this.#function('notification-webhooks', NOTIFICATION_WEBHOOKS_NEEDS, props, Duration.seconds(50));
    new events.Rule(this, 'NotificationWebhooksSchedule', {
      description: "Post agencies' new notifications, signed, to their webhooks every minute; a refused post is retried later",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(webhooks, { event: events.RuleTargetInput.fromObject({ task: 'webhooks' }) })],
    });
    functions['notification-webhooks'] = webhooks;
    this.functions = functions;

    this.#alarms(config);
    careJobAlarms(this, config);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: config.logRetentionDays });
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `xinqiao-${config.provinceCode}-${props.stage.name}`,
      description: `Xinqiao hub ${config.hubId} (${config.name.en})`,
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.rateLimitPerSecond, burstLimit: config.api.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            responseLength: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const integrations = Object.fromEntries(ROUTE_GROUPS.map((group) => [group, new HttpLambdaIntegration(`${group}Integration`, functions[group])])) as Record<
      RouteGroup,
      HttpLambdaIntegration
    >;
    for (const [routeKey, group] of Object.entries(ROUTE_GROUP_OF)) {
      const [method, path] = routeKey.split(' ') as [string, string];
      this.api.addRoutes({ path, methods: [method as apigw.HttpMethod], integration: integrations[group] });
    }
    // Unmatched requests reach a Lambda too, so that they are audited like every other request.
    new apigw.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: integrations[DEFAULT_ROUTE_GROUP],
    });
  }

  /** Lets the officers console, deployed as a static site, call the API from its origin (CORS). */
  allowConsoleOrigin(origin: string): void {
    (this.api.node.defaultChild as apigw.CfnApi).corsConfiguration = {
      allowOrigins: [origin],
      allowHeaders: ['authorization', 'content-type'],
      allowMethods: ['GET', 'POST'],
      exposeHeaders: ['x-request-id'],
      maxAge: 600,
    };
  }

  /**
   * Province-wide alarms on the audit metrics; per-agency and per-staff alerts come from the alerts job. Their
   * actions (the province's ops topic) are added by lib/constructs/ops-monitoring.ts, like every alarm's.
   */
  #alarms(config: ProvinceConfig): void {
    const metric = (name: (typeof AUDIT_METRICS)[number]) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { Province: config.provinceCode },
        statistic: 'Sum',
        period: Duration.minutes(config.alerts.windowMinutes),
      });
    const alarm = (id: string, name: (typeof AUDIT_METRICS)[number], threshold: number, description: string) =>
      new cloudwatch.Alarm(this, id, {
        metric: metric(name),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    alarm(
      'FailedSignaturesAlarm',
      'FailedSignatures',
      config.alerts.failedSignatures,
      'Failed signatures presenting registered keys (隐私官告警: 签名验证失败). Runbook: docs/runbook.md#failed-signatures',
    );
    alarm(
      'DeniedBurstAlarm',
      'Denied',
      config.alerts.deniedPerAgency,
      'A burst of denied requests (隐私官告警: 大量被拒请求). Runbook: docs/runbook.md#denied-burst',
    );
    alarm('EmergencyAccessAlarm', 'EmergencyAccess', 1, 'Emergency access was opened (隐私官告警: 紧急访问). Runbook: docs/runbook.md#emergency-access');
  }

  #function(name: string, needs: GroupNeeds, props: HubApiProps, timeout: Duration): NodejsFunction {
    const { config, data } = props;
    const registry = {
      provinceCode: config.provinceCode,
      hubId: config.hubId,
      coordinatingAgencyType: config.coordinatingAgencyType,
      emergencyAccessHours: config.emergencyAccessHours,
      alerts: config.alerts,
      care: config.care,
      ...(config.listSynonyms && { listSynonyms: config.listSynonyms }),
      agencies: config.agencies,
    };
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: config.logRetentionDays });
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Xinqiao ${config.provinceCode} ${name}: least privilege`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const fn = new NodejsFunction(this, `${name}Function`, {
      ...LAMBDA_RUNTIME,
      entry: entryOf(name),
      memorySize: 512,
      timeout,
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: `xinqiao-${name}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        XQ_METRICS: 'emf',
        ...tableEnvironment(data),
        XQ_FIELD_KEY_ARN: needs.fieldKey ? data.fieldKey.keyArn : '',
        XQ_INDEX_KEY_ARN: needs.indexKey ? data.indexKey.keyArn : '',
        XQ_LIST_QUEUE_URL: needs.sendsToListQueue ? this.listQueue.queueUrl : '',
        XQ_AUDIT_SIGNING_KEY_ARN: needs.auditSigning ? data.auditSigningKey.keyArn : '',
        XQ_NOTIFICATION_SIGNING_KEY_ARN: needs.notificationSigning ? data.notificationSigningKey.keyArn : '',
        XQ_AUDIT_RETENTION_DAYS: String(Math.max(props.stage.auditRetentionDays, config.auditRetentionDays)),
      },
      bundling: lambdaBundling({
        __XQ_REGISTRY__: JSON.stringify(JSON.stringify(registry)),
        ...(name === 'console' && { __XQ_CONSOLE__: JSON.stringify(JSON.stringify(readConsoleFiles())) }),
      }),
    });
    this.#grant(role, needs, props);
    return fn;
  }

  /** Grants exactly what the needs list; the audit table only ever gets PutItem. */
  #grant(role: iam.Role, needs: GroupNeeds, props: HubApiProps): void {
    const { data, config } = props;
    const stack = Stack.of(this);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: needs.signed ? 'AppendAuditAndClaimNonces' : 'AppendAudit',
        actions: ['dynamodb:PutItem'],
        resources: [data.tables.audit.tableArn, ...(needs.signed ? [data.tables.nonces.tableArn] : [])],
      }),
    );
    // Appending an audit event also moves its hash chain's head (seals table; never the audit table).
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'AuditChainHeads', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [data.tables.seals.tableArn] }),
    );
    // Every function writes at least the audit table, which is encrypted with the storage key.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TableEncryptionViaDynamoDb',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [data.storageKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
    for (const [id, actions] of Object.entries(needs.tables) as [TableId, readonly string[]][]) {
      const table = data.tables[id];
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: `${id[0]!.toUpperCase()}${id.slice(1)}Table`,
          actions: actions.map((a) => `dynamodb:${a}`),
          // Each index by name, from the shared definitions: no wildcard.
          resources: [table.tableArn, ...TABLES[id].indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
        }),
      );
    }
    for (const [id, grants] of Object.entries(needs.keyedWrites ?? {}) as [TableId, readonly KeyedWrite[]][]) {
      for (const keyed of grants)
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: `${id[0]!.toUpperCase()}${id.slice(1)}Table${keyed.name}Writes`,
            actions: keyed.actions.map((a) => `dynamodb:${a}`),
            // Items of these partition keys only; the indexes are never written directly.
            resources: [data.tables[id].tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keyed.leadingKeys] } },
          }),
        );
    }
    if (needs.fieldKey) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'FieldEnvelopeKeysForThisProvinceOnly',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [data.fieldKey.keyArn],
          conditions: {
            StringEquals: { 'kms:EncryptionContext:province': config.provinceCode },
            'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['province', 'agency', 'table'] },
          },
        }),
      );
    }
    if (needs.indexKey) {
      role.addToPolicy(new iam.PolicyStatement({ sid: 'BlindIndexKeyDerivation', actions: ['kms:GenerateMac'], resources: [data.indexKey.keyArn] }));
    }
    if (needs.auditSigning) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AuditDigestSigning',
          actions: needs.auditSigning === 'sign' ? ['kms:Sign'] : ['kms:Sign', 'kms:Verify'],
          resources: [data.auditSigningKey.keyArn],
        }),
      );
    }
    if (needs.notificationSigning) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'NotificationSigning',
          actions: needs.notificationSigning === 'sign' ? ['kms:Sign', 'kms:GetPublicKey'] : ['kms:GetPublicKey'],
          resources: [data.notificationSigningKey.keyArn],
        }),
      );
    }
    if (needs.sendsToListQueue) {
      role.addToPolicy(new iam.PolicyStatement({ sid: 'QueueListRows', actions: ['sqs:SendMessage'], resources: [this.listQueue.queueArn] }));
    }
  }
}
