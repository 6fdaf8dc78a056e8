/**
 * The stateless half of a province stack: one Lambda per route group, each
 * with its own role granting only what lambdas/routes.ts says the group needs,
 * behind an HTTP API with throttling and JSON access logs.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { GROUP_NEEDS, ROUTE_GROUP_OF, ROUTE_GROUPS, DEFAULT_ROUTE_GROUP, type RouteGroup } from '../../lambdas/routes';
import { TABLES, tableEnvVar, type TableId } from '../../lambdas/data/tables';
import type { ProvinceConfig } from '../../schemas/province-config';
import type { StageSettings } from '../config/stages';
import type { DataStore } from './data-store';

export interface HubApiProps {
  readonly config: ProvinceConfig;
  readonly stage: StageSettings;
  readonly data: DataStore;
}

/** XQ_TABLE_<ID> for every table in lambdas/data/tables.ts. */
const tableEnvironment = (data: DataStore) =>
  Object.fromEntries((Object.keys(TABLES) as TableId[]).map((id) => [tableEnvVar(id), data.tables[id].tableName]));

const entryOf = (group: RouteGroup) => fileURLToPath(new URL(`../../lambdas/entry/${group}.ts`, import.meta.url));

/** The esbuild settings every function shares; exported for the bundle-size benchmark. */
export const BUNDLING_TARGET = 'node22';

export class HubApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly functions: Readonly<Record<RouteGroup, NodejsFunction>>;

  constructor(scope: Construct, id: string, props: HubApiProps) {
    super(scope, id);
    const { config, data } = props;
    const registry = { provinceCode: config.provinceCode, hubId: config.hubId, coordinatingAgencyType: config.coordinatingAgencyType, agencies: config.agencies };
    const dynamoViaService = `dynamodb.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;

    const functions = {} as Record<RouteGroup, NodejsFunction>;
    for (const group of ROUTE_GROUPS) {
      const needs = GROUP_NEEDS[group];
      const logGroup = new logs.LogGroup(this, `${group}Logs`, { retention: config.logRetentionDays });
      const role = new iam.Role(this, `${group}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Xinqiao ${config.provinceCode} route group ${group}: least privilege`,
      });
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      );
      const fn = new NodejsFunction(this, `${group}Function`, {
        entry: entryOf(group),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 512,
        timeout: Duration.seconds(10),
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        environment: {
          POWERTOOLS_SERVICE_NAME: `xinqiao-${group}`,
          POWERTOOLS_LOG_LEVEL: 'INFO',
          ...tableEnvironment(data),
          XQ_FIELD_KEY_ARN: needs.fieldKey ? data.fieldKey.keyArn : '',
          XQ_INDEX_KEY_ARN: needs.indexKey ? data.indexKey.keyArn : '',
          XQ_AUDIT_RETENTION_DAYS: String(props.stage.auditRetentionDays),
        },
        bundling: {
          format: OutputFormat.ESM,
          target: BUNDLING_TARGET,
          minify: true,
          sourceMap: false,
          bundleAwsSDK: false,
          mainFields: ['module', 'main'],
          define: { __XQ_REGISTRY__: JSON.stringify(JSON.stringify(registry)) },
          banner: "import { createRequire as __xqCreateRequire } from 'node:module'; const require = __xqCreateRequire(import.meta.url);",
        },
      });
      this.#grant(group, role, props, dynamoViaService);
      functions[group] = fn;
    }
    this.functions = functions;

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

    const integrations = Object.fromEntries(
      ROUTE_GROUPS.map((group) => [group, new HttpLambdaIntegration(`${group}Integration`, functions[group])]),
    ) as Record<RouteGroup, HttpLambdaIntegration>;
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

  /** Grants exactly what GROUP_NEEDS lists; the audit table only ever gets PutItem. */
  #grant(group: RouteGroup, role: iam.Role, props: HubApiProps, dynamoViaService: string): void {
    const { data, config } = props;
    const needs = GROUP_NEEDS[group];
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: needs.signed ? 'AppendAuditAndClaimNonces' : 'AppendAudit',
        actions: ['dynamodb:PutItem'],
        resources: [data.tables.audit.tableArn, ...(needs.signed ? [data.tables.nonces.tableArn] : [])],
      }),
    );
    // Every group writes at least the audit table, which is encrypted with the storage key.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TableEncryptionViaDynamoDb',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [data.storageKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': dynamoViaService } },
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
      role.addToPolicy(
        new iam.PolicyStatement({ sid: 'BlindIndexKeyDerivation', actions: ['kms:GenerateMac'], resources: [data.indexKey.keyArn] }),
      );
    }
  }
}
