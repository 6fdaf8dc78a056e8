/**
 * A stack ops can run (issue 12 point 4): the alarm topic and who it tells, an alarm on everything that can
 * fail, the ops dashboard, the stack outputs, backups beyond PITR, and the China regions synthesising clean.
 * Assertions on the template, not snapshots. Bundling is skipped (`aws:cdk:bundling-stacks`): these tests
 * read the stack's shape, not the Lambda code.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../lambdas/data/tables';
import { MERGE_STAGES } from '../../lambdas/merge-stages';
import { ROUTE_GROUPS } from '../../lambdas/routes';
import { loadProvinceConfigs, ProvinceConfigError, type ProvinceDeployConfig } from '../../lib/config/load-provinces';
import { opsConfig } from '../../lib/config/ops-config';
import { resolveStage } from '../../lib/config/stages';
import { OpsMonitoring } from '../../lib/constructs/ops-monitoring';
import { addProvinceStacks } from '../../lib/hub-app';

const CONFIG_DIR = join(import.meta.dirname, '../../config/provinces');
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

function synth(configs: ProvinceDeployConfig[], stage: 'dev' | 'prod' = 'prod') {
  const outdir = mkdtempSync(join(tmpdir(), 'xq-ops-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = addProvinceStacks(app, configs, resolveStage(stage));
  const assembly: CloudAssembly = app.synth();
  return { stacks, assembly, outdir, templates: stacks.map((s) => Template.fromStack(s)) };
}

/**
 * Every finding of the synth-time validation plugins (CDK's CloudFormation validation, which knows which resource
 * types each region has, and cdk-nag), as `plugin severity rule: construct`. `cdk synth` prints them as warnings.
 */
function validationFindings(outdir: string): string[] {
  const path = join(outdir, 'validation-report.json');
  if (!existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    pluginReports: { pluginName: string; violations: { ruleName: string; severity?: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${p.pluginName} ${v.severity ?? ''} ${v.ruleName}: ${c.constructPath}`)),
  );
}

const byType = (template: Template, type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const refOf = (logicalId: string) => ({ Ref: logicalId });
const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Writes a province dir holding 540000.json and the given ops file (or none), returns the dir. */
function provinceDir(ops: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'xq-ops-config-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '540000.json'), readFileSync(join(CONFIG_DIR, '540000.json')));
  if (ops !== undefined) writeFileSync(join(dir, '540000.ops.json'), JSON.stringify(ops));
  return dir;
}

let tibet: ProvinceDeployConfig;
let template: Template;
let storageKeyId: string;
let topicId: string;
beforeAll(() => {
  [tibet] = loadProvinceConfigs(CONFIG_DIR, ['540000']) as [ProvinceDeployConfig];
  [template] = synth([tibet]).templates as [Template];
  storageKeyId = byType(template, 'AWS::KMS::Key').find(([id]) => id.startsWith('DataStorageKey'))![0];
  topicId = byType(template, 'AWS::SNS::Topic')[0]![0];
}, 120_000);

describe('ops config', () => {
  it('reads the subscriptions and backup rules of <code>.ops.json beside the province config', () => {
    expect(tibet.ops.alarms.subscriptions).toEqual([
      { protocol: 'email', endpoint: 'xinqiao-ops-xz@example.org' },
      { protocol: 'https', endpoint: 'https://oncall.example.org/xinqiao/540000' },
    ]);
    expect(tibet.ops.backups.rules.map((r) => [r.name, r.frequency, r.retentionDays])).toEqual([
      ['Daily', 'daily', 90],
      ['Monthly', 'monthly', 1095],
    ]);
  });

  it('defaults to no subscriptions and daily-90-days plus monthly-3-years backups when there is no ops file', () => {
    const [config] = loadProvinceConfigs(provinceDir(undefined));
    expect(config!.ops.alarms.subscriptions).toEqual([]);
    expect(config!.ops.backups.rules).toEqual([
      { name: 'Daily', frequency: 'daily', hourUtc: 19, retentionDays: 90 },
      { name: 'Monthly', frequency: 'monthly', hourUtc: 20, retentionDays: 1095 },
    ]);
  });

  it.each([
    ['a malformed email', { protocol: 'email', endpoint: 'ops at example.org' }, /alarms\.subscriptions\.0\.endpoint: must be an email address/],
    ['a plain http endpoint', { protocol: 'https', endpoint: 'http://oncall.example.org/x' }, /alarms\.subscriptions\.0\.endpoint: must be an https:\/\/ URL/],
    ['an unknown protocol', { protocol: 'sms', endpoint: '+8613800000000' }, /alarms\.subscriptions\.0(\.protocol)?: protocol must be "email" or "https"/],
    ['an unknown field', { protocol: 'email', endpoint: 'ops@example.org', name: 'ops' }, /alarms\.subscriptions\.0: Unrecognized key: "name"/],
  ])('rejects %s, naming the ops file and the field', (_what, subscription, message) => {
    const dir = provinceDir({ alarms: { subscriptions: [subscription] } });
    expect(() => loadProvinceConfigs(dir)).toThrow(ProvinceConfigError);
    expect(() => loadProvinceConfigs(dir)).toThrow(new RegExp(`540000\\.ops\\.json:\\n[\\s\\S]*${message.source}`));
  });

  it('rejects a duplicate endpoint, a backup kept no longer than PITR already keeps, and a duplicate rule name', () => {
    const opsWithDuplicates = (dailyRetentionDays: number) =>
      provinceDir({
        alarms: {
          subscriptions: [
            { protocol: 'email', endpoint: 'ops@example.org' },
            { protocol: 'email', endpoint: 'ops@example.org' },
          ],
        },
        backups: {
          rules: [
            { name: 'Daily', frequency: 'daily', retentionDays: dailyRetentionDays },
            { name: 'Daily', frequency: 'weekly', retentionDays: 365 },
          ],
        },
      });
    expect(() => loadProvinceConfigs(opsWithDuplicates(30))).toThrow(/backups\.rules\.0\.retentionDays: Too small[\s\S]*/);
    expect(() => loadProvinceConfigs(opsWithDuplicates(90))).toThrow(
      /alarms\.subscriptions\.1\.endpoint: duplicate endpoint\nbackups\.rules\.1\.name: duplicate rule name/,
    );
  });

  it('rejects an ops file with no province config beside it', () => {
    const dir = provinceDir({});
    writeFileSync(join(dir, '310000.ops.json'), '{}');
    expect(() => loadProvinceConfigs(dir)).toThrow(/310000\.ops\.json: no province config 310000\.json beside it/);
  });

  it('refuses a prod stack whose alarms tell no one, and lets a dev stack without subscriptions synth', () => {
    const [config] = loadProvinceConfigs(provinceDir(undefined));
    expect(() => addProvinceStacks(new App(), [config!], resolveStage('prod'))).toThrow(
      /540000\.ops\.json:\nalarms\.subscriptions: a prod stack needs at least one/,
    );
    const { templates } = synth([config!], 'dev');
    templates[0]!.resourceCountIs('AWS::SNS::Subscription', 0);
    templates[0]!.resourceCountIs('AWS::SNS::Topic', 1);
  }, 120_000);
});

describe('alarms with actions', () => {
  it('has one topic, encrypted with the province storage key, TLS only, subscribed as the ops file says', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'xinqiao-540000-prod-ops', KmsMasterKeyId: getAtt(storageKeyId) });
    const subs = byType(template, 'AWS::SNS::Subscription').map(([, s]) => [s.Properties.Protocol, s.Properties.Endpoint, s.Properties.TopicArn]);
    expect(subs).toEqual([
      ['email', 'xinqiao-ops-xz@example.org', refOf(topicId)],
      ['https', 'https://oncall.example.org/xinqiao/540000', refOf(topicId)],
    ]);
    const statements = byType(template, 'AWS::SNS::TopicPolicy')[0]![1].Properties.PolicyDocument.Statement as any[];
    expect(statements.find((s) => s.Effect === 'Deny')).toMatchObject({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('lets only CloudWatch alarms of this account publish: in the topic policy and in the storage key policy', () => {
    const statements = byType(template, 'AWS::SNS::TopicPolicy')[0]![1].Properties.PolicyDocument.Statement as any[];
    const publish = statements.find((s) => s.Effect === 'Allow')!;
    expect(publish).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' });
    expect(publish.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(JSON.stringify(publish.Condition.ArnLike)).toContain(':alarm:*');
    const keyPolicy = byType(template, 'AWS::KMS::Key').find(([id]) => id === storageKeyId)![1].Properties.KeyPolicy.Statement as any[];
    const cw = keyPolicy.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')!;
    expect(cw.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(cw.Condition).toEqual(publish.Condition);
  });

  it("alarms on every Lambda's errors and throttles, API 5xx, every dead-letter queue and backup jobs", () => {
    const alarms = byType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const functionIds = byType(template, 'AWS::Lambda::Function').map(([id]) => id);
    // One per route group, the list worker, audit sealer, care jobs, notification webhooks and the merge stages.
    expect(functionIds).toHaveLength(ROUTE_GROUPS.length + 4 + MERGE_STAGES.length);
    const dims = (a: Record<string, any>) => JSON.stringify(a.Dimensions ?? a.Metrics);
    // The list merge state machine (built before the ops construct) is covered too.
    const machineId = byType(template, 'AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith('ListMerge'))![0];
    expect(alarms.filter((a) => JSON.stringify(a.Metrics ?? []).includes('ExecutionsFailed') && dims(a).includes(`"Ref":"${machineId}"`))).toHaveLength(1);
    for (const fn of functionIds) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarms.filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric && dims(a).includes(`"Ref":"${fn}"`));
        expect(found, `${metric} of ${fn}`).toHaveLength(1);
        expect(found[0]).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      }
    }
    const apiId = byType(template, 'AWS::ApiGatewayV2::Api')[0]![0];
    expect(alarms.filter((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5xx' && dims(a).includes(`"Ref":"${apiId}"`))).toHaveLength(1);
    // Every queue that is another queue's redrive target has a depth alarm.
    const dlqIds = byType(template, 'AWS::SQS::Queue')
      .map(([, q]) => q.Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0])
      .filter(Boolean) as string[];
    expect(dlqIds).toHaveLength(1);
    for (const dlq of dlqIds) {
      const depth = alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && dims(a).includes(dlq));
      expect(depth, dlq).toHaveLength(1);
      expect(depth[0]).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 1 });
    }
    const backup = alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes('NumberOfBackupJobsFailed'))!;
    expect(JSON.stringify(backup.Metrics)).toContain('"BackupVaultName"');
    expect(JSON.stringify(backup.Metrics)).toMatch(
      /NumberOfBackupJobsAborted[\s\S]*NumberOfBackupJobsExpired|NumberOfBackupJobsExpired[\s\S]*NumberOfBackupJobsAborted/,
    );
  });

  it('alarms when the audit sealer or the alerts job stops finishing runs, counted from their log lines, missing runs breaching', () => {
    const sealerLogs = byType(template, 'AWS::Logs::LogGroup').find(([id]) => id.startsWith('HubauditsealerLogs'))![0];
    const filters = byType(template, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters.map((f) => [f.FilterPattern, f.LogGroupName, f.MetricTransformations[0].MetricName])).toEqual([
      ['{ $.message = "audit digest sealed" }', refOf(sealerLogs), 'AuditDigestsSealed'],
      ['{ $.message = "audit alerts evaluated" }', refOf(sealerLogs), 'AuditAlertRuns'],
    ]);
    // The messages are the ones the job writes.
    const entry = readFileSync(join(import.meta.dirname, '../../lambdas/entry/audit-sealer.ts'), 'utf8');
    expect(entry).toContain("'audit digest sealed'");
    expect(entry).toContain("'audit alerts evaluated'");
    const alarms = byType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const [metricName, minutes] of [
      ['AuditDigestsSealed', tibet.auditDigestMinutes],
      ['AuditAlertRuns', tibet.alerts.windowMinutes],
    ] as const) {
      const heartbeat = alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes(`"MetricName":"${metricName}"`))!;
      expect(heartbeat).toMatchObject({
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
      expect(heartbeat.Metrics[0].MetricStat).toMatchObject({ Period: minutes * 60, Stat: 'Sum', Metric: { Namespace: 'Xinqiao/540000-prod' } });
    }
  });

  it('sends every alarm of the stack, the audit and care alarms included, to the topic on ALARM and on OK', () => {
    const alarms = byType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(2 * (ROUTE_GROUPS.length + 3) + 4);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([refOf(topicId)]);
      expect(alarm.Properties.OKActions, id).toEqual([refOf(topicId)]);
      expect(alarm.Properties.AlarmDescription, id).toMatch(/Runbook: docs\/runbook\.md#[a-z0-9-]+$/);
    }
    const names = alarms.map(([, a]) => a.Properties.MetricName);
    for (const audit of ['FailedSignatures', 'Denied', 'EmergencyAccess', 'OverdueItems']) expect(names).toContain(audit);
  });

  it('names in every alarm description a section the runbook has', () => {
    const runbook = readFileSync(join(import.meta.dirname, '../../docs/runbook.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .trim()
          .replace(/ /g, '-'),
      ),
    );
    const linked = new Set(byType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => /#([a-z0-9-]+)$/.exec(a.Properties.AlarmDescription)![1]!));
    for (const anchor of linked) expect(anchors, anchor).toContain(anchor);
  });
});

describe('what the alarms cover', () => {
  it('finds every dead-letter queue (SQS redrive and Lambda DLQ) and every state machine built before it, and alarms on each', () => {
    const stack = new Stack(new App(), 'Bare', { env: { region: 'cn-northwest-1' } });
    const code = lambda.Code.fromInline('export const handler = async () => {};');
    const fn = (id: string, extra: Partial<lambda.FunctionProps> = {}) =>
      new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code, ...extra });
    const jobs = fn('Jobs');
    fn('WithDlq', { deadLetterQueueEnabled: true });
    new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: new sqs.Queue(stack, 'WorkDeadLetters'), maxReceiveCount: 3 } });
    new sfn.StateMachine(stack, 'Merge', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Done')), timeout: Duration.minutes(5) });
    const ops = new OpsMonitoring(stack, 'Ops', {
      provinceCode: '540000',
      stage: resolveStage('dev'),
      ops: opsConfig.parse({}),
      key: new kms.Key(stack, 'Key'),
      api: new apigw.HttpApi(stack, 'Api'),
      auditJobs: jobs,
      auditDigestMinutes: 15,
      alertsWindowMinutes: 5,
      backupVaultName: 'vault',
    });
    const t = Template.fromStack(stack);
    expect(ops.alarms.lambdaErrors.map((a) => a.node.id).sort()).toEqual(['JobsErrors', 'WithDlqErrors']);
    const depth = byType(t, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    const queueOf = (a: Resource) => JSON.stringify(a.Properties.Dimensions);
    expect(depth.map(([, a]) => queueOf(a)).sort()).toEqual(
      [
        byType(t, 'AWS::SQS::Queue').find(([id]) => id.startsWith('WorkDeadLetters'))![0],
        byType(t, 'AWS::SQS::Queue').find(([id]) => id.startsWith('WithDlqDeadLetterQueue'))![0],
      ]
        .map((id) => JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]))
        .sort(),
    );
    const machineId = byType(t, 'AWS::StepFunctions::StateMachine')[0]![0];
    const [executions] = ops.alarms.stateMachines;
    const rendered = byType(t, 'AWS::CloudWatch::Alarm').find(([id]) => id.startsWith('OpsMergeExecutionsAlarm'))![1].Properties;
    expect(executions).toBeDefined();
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) expect(JSON.stringify(rendered.Metrics)).toContain(metric);
    expect(JSON.stringify(rendered.Metrics)).toContain(`"Ref":"${machineId}"`);
    expect(rendered.AlarmActions).toEqual([{ Ref: byType(t, 'AWS::SNS::Topic')[0]![0] }]);
  });
});

describe('ops dashboard and outputs', () => {
  it('shows errors, throttles and p99 duration per Lambda, API 5xx and p99 latency, and DLQ depth', () => {
    const dashboard = byType(template, 'AWS::CloudWatch::Dashboard').find(([, d]) => d.Properties.DashboardName === 'xinqiao-540000-prod-ops')!;
    expect(dashboard).toBeDefined();
    // The body is a Fn::Join around tokens (region, function names): join it with stand-ins and read the widgets.
    const parts: unknown[] = dashboard[1].Properties.DashboardBody['Fn::Join'][1];
    const tokens = parts.filter((p) => typeof p !== 'string').map((p) => JSON.stringify(p));
    const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `token${tokens.indexOf(JSON.stringify(p))}`)).join(''));
    const metricsOf = (title: RegExp) =>
      (body.widgets as any[]).filter((w) => title.test(w.properties.title ?? '')).flatMap((w) => (w.properties.metrics ?? []) as unknown[][]);
    const functionIds = byType(template, 'AWS::Lambda::Function').map(([id]) => id);
    const functionOf = (m: unknown[]) => tokens[Number(String(m[m.indexOf('FunctionName') + 1]).replace('token', ''))];
    for (const [title, metricName, stat] of [
      [/Lambda errors/, 'Errors', 'Sum'],
      [/Lambda throttles/, 'Throttles', 'Sum'],
      [/Lambda duration p99/, 'Duration', 'p99'],
    ] as const) {
      const metrics = metricsOf(title);
      expect(
        metrics.every((m) => m[0] === 'AWS/Lambda' && m[1] === metricName && (m.at(-1) as any).stat === stat),
        metricName,
      ).toBe(true);
      expect(metrics.map(functionOf).sort(), metricName).toEqual(functionIds.map((id) => JSON.stringify(refOf(id))).sort());
    }
    expect(metricsOf(/API server and client errors/).map((m) => m[1])).toEqual(['5xx', '4xx']);
    expect(metricsOf(/API latency p99/).map((m) => [m[1], (m.at(-1) as any).stat])).toEqual([['Latency', 'p99']]);
    expect(metricsOf(/Dead-letter queue depth/).map((m) => [m[0], m[1]])).toEqual([['AWS/SQS', 'ApproximateNumberOfMessagesVisible']]);
    expect((body.widgets as any[]).find((w) => w.type === 'alarm').properties.alarms).toHaveLength(byType(template, 'AWS::CloudWatch::Alarm').length);
  });

  it('outputs the API URL, the KMS key ARNs, every table name, the topic ARN and the vault; no console URL with the site off', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ApiUrl!.Value).toEqual({ 'Fn::GetAtt': [byType(template, 'AWS::ApiGatewayV2::Api')[0]![0], 'ApiEndpoint'] });
    expect(outputs.StorageKeyArn!.Value).toEqual(getAtt(storageKeyId));
    expect(outputs.AlarmTopicArn!.Value).toEqual(refOf(topicId));
    const tableIds = byType(template, 'AWS::DynamoDB::Table').map(([id]) => id);
    const tableOutputs = Object.entries(outputs).filter(([k]) => k.endsWith('TableName'));
    expect(tableOutputs.map(([, o]) => (o.Value as { Ref: string }).Ref).sort()).toEqual(tableIds.sort());
    expect(tableOutputs).toHaveLength(Object.keys(TABLES).length);
    expect(outputs.BackupVaultName).toBeDefined();
    expect(outputs.ConsoleUrl).toBeUndefined();
  });
});

describe('backups beyond point-in-time recovery', () => {
  it('keeps recovery points in a vault encrypted with the storage key, retained, denying their deletion to everyone', () => {
    const [[vaultId, vault]] = byType(template, 'AWS::Backup::BackupVault') as [[string, Resource]];
    expect(vault.Properties.EncryptionKeyArn).toEqual(getAtt(storageKeyId));
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(vault.Properties.BackupVaultName).toBe('xinqiao-540000-prod');
    expect(vault.Properties.AccessPolicy.Statement).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
      Resource: '*',
    });
    expect(vaultId).toMatch(/^BackupsVault/);
  });

  it('backs up on the schedule and keeps for the retention of the ops config', () => {
    const [[, plan]] = byType(template, 'AWS::Backup::BackupPlan') as [[string, Resource]];
    const rules = plan.Properties.BackupPlan.BackupPlanRule.map((r: any) => [r.RuleName, r.ScheduleExpression, r.Lifecycle.DeleteAfterDays]);
    expect(rules).toEqual([
      ['Daily', 'cron(0 19 * * ? *)', 90],
      ['Monthly', 'cron(0 20 1 * ? *)', 1095],
    ]);
    const weekly = synth([{ ...tibet, ops: { ...tibet.ops, backups: { rules: [{ name: 'Weekly', frequency: 'weekly', hourUtc: 2, retentionDays: 400 }] } } }]);
    const [[, weeklyPlan]] = byType(weekly.templates[0]!, 'AWS::Backup::BackupPlan') as [[string, Resource]];
    expect(weeklyPlan.Properties.BackupPlan.BackupPlanRule.map((r: any) => [r.ScheduleExpression, r.Lifecycle.DeleteAfterDays])).toEqual([
      ['cron(0 2 ? * SUN *)', 400],
    ]);
  }, 120_000);

  it('selects every table, with a role of its own that reaches only these tables, their backups, the storage key and the vault', () => {
    const [[, selection]] = byType(template, 'AWS::Backup::BackupSelection') as [[string, Resource]];
    const tableIds = byType(template, 'AWS::DynamoDB::Table').map(([id]) => id);
    expect(selection.Properties.BackupSelection.Resources.map((r: any) => r['Fn::GetAtt'][0]).sort()).toEqual([...tableIds].sort());
    const roleId = selection.Properties.BackupSelection.IamRoleArn['Fn::GetAtt'][0];
    const role = byType(template, 'AWS::IAM::Role').find(([id]) => id === roleId)![1];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'backup.amazonaws.com' });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = byType(template, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([refOf(roleId)]))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const resources = JSON.stringify(statements.map((s) => s.Resource));
    expect(resources).not.toMatch(/"\*"/);
    const vaultId = byType(template, 'AWS::Backup::BackupVault')[0]![0];
    for (const s of statements) {
      const res = JSON.stringify(s.Resource);
      const allowed = [...tableIds, storageKeyId, vaultId].some((id) => res.includes(id));
      expect(allowed, JSON.stringify(s)).toBe(true);
    }
    expect(statements.find((s) => [s.Action].flat().includes('kms:CreateGrant'))!.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
  });
});

describe('China regions', () => {
  it('has a check that sees what a China region lacks: CloudFront origin access control is reported there', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'xq-oac-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'OacInChina', { env: { region: 'cn-northwest-1' } });
    new cloudfront.Distribution(stack, 'Site', { defaultBehavior: { origin: S3BucketOrigin.withOriginAccessControl(new s3.Bucket(stack, 'Bucket')) } });
    app.synth();
    expect(validationFindings(outdir)).toEqual([
      expect.stringMatching(/^CloudFormation Validate warning F3006: OacInChina\/Site\/Origin1\/S3OriginAccessControl/),
    ]);
  });

  const messagesOf = (assembly: CloudAssembly) => assembly.stacks.flatMap((s) => s.messages.map((m) => `${s.stackName} ${m.level} ${m.id}: ${m.entry.data}`));

  it.each([true, false])(
    'synthesise for cn-north-1 and cn-northwest-1 with the console site %s, with no warning or annotation and cdk-nag clean',
    (staticSite) => {
      const configs = loadProvinceConfigs(CONFIG_DIR).map((c) => ({ ...c, console: { staticSite } }));
      expect(configs.map((c) => c.deployment.region).sort()).toEqual(['cn-north-1', 'cn-northwest-1']);
      const { assembly, templates, stacks, outdir } = synth(configs);
      expect(messagesOf(assembly)).toEqual([]);
      expect(validationFindings(outdir)).toEqual([]);
      for (const [i, t] of templates.entries()) {
        // CloudFront in China has no origin access control and no default domain: the API origin serves the console.
        t.resourceCountIs('AWS::CloudFront::Distribution', 0);
        t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
        const outputs = t.toJSON().Outputs as Record<string, { Value: any }>;
        if (staticSite) {
          expect(stacks[i]!.consoleSite!.hosting).toBe('api-origin');
          expect(JSON.stringify(outputs.ConsoleUrl!.Value)).toMatch(/\/console"\]\]\}$/);
          expect(JSON.stringify(t.findResources('AWS::ApiGatewayV2::Api'))).not.toContain('CorsConfiguration');
        } else expect(outputs.ConsoleUrl).toBeUndefined();
      }
    },
    180_000,
  );
});
