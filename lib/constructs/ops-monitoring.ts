/**
 * What ops watch, and who is told. One SNS topic per province stack, encrypted with the province's storage
 * key, notifying the subscriptions of `<code>.ops.json` (lib/config/ops-config.ts). Alarms, each named in
 * docs/runbook.md ("Alarms") with what to do:
 * - every Lambda of the stack: Errors and Throttles;
 * - the HTTP API: 5xx answers;
 * - every dead-letter queue of the stack (SQS redrive targets and Lambda DLQs): a message visible;
 * - every Step Functions state machine of the stack: an execution failed, timed out or was aborted;
 * - the audit sealer and the alerts job: not having finished a run (a heartbeat from their log lines, so a job
 *   that fails, times out, is throttled or is not invoked at all alarms alike);
 * - the backup vault: a backup job failed, aborted or expired.
 * Every alarm of the stack, these and the audit and care alarms of hub-api.ts, notifies the topic on ALARM and
 * on OK (an aspect adds the actions, so an alarm added later is covered too). The ops dashboard shows errors,
 * throttles and p99 duration per Lambda, the API's 5xx and p99 latency, state machine executions, dead-letter
 * depth, the audit jobs' runs and the backup jobs.
 *
 * Build it last in the stack: the alarms cover the functions, queues and state machines that exist when it is built.
 */
import { ArnFormat, Aspects, Duration, type IAspect, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import type { OpsConfig } from '../config/ops-config';
import type { StageSettings } from '../config/stages';

export interface OpsMonitoringProps {
  readonly provinceCode: string;
  readonly stage: StageSettings;
  readonly ops: OpsConfig;
  /** The province's symmetric key; encrypts the topic. */
  readonly key: kms.Key;
  readonly api: apigw.HttpApi;
  /** The Lambda running `{"task":"seal"}` and `{"task":"alerts"}` (lambdas/entry/audit-sealer.ts). */
  readonly auditJobs: lambda.Function;
  readonly auditDigestMinutes: number;
  readonly alertsWindowMinutes: number;
  /** The backup vault's name, for the backup job alarm (lib/constructs/table-backups.ts). */
  readonly backupVaultName: string;
}

/** Thresholds of the operational alarms (the audit and care thresholds come from the province config). */
export const OPS_THRESHOLDS = {
  /** Lambda errors in 5 minutes: one is a bug or an outage (a refused request is a 4xx, not an error). */
  lambdaErrors: 1,
  /** Lambda throttles in 5 minutes: the account's concurrency is exhausted. */
  lambdaThrottles: 1,
  /** API answers 5xx in 5 minutes: a store unavailable (503) or a bug (500), beyond a single retry. */
  api5xx: 5,
  /** Messages visible in a dead-letter queue: each is work that failed every retry. */
  deadLetters: 1,
  /** Runs of an audit job missing, out of 3 intervals, before the alarm. */
  missedJobRuns: 2,
} as const;

const FIVE_MINUTES = Duration.minutes(5);

/** The log lines the audit jobs write when a run finishes (lambdas/entry/audit-sealer.ts). */
const AUDIT_JOB_RUNS = [
  { id: 'AuditSeal', message: 'audit digest sealed', metricName: 'AuditDigestsSealed', what: '审计摘要封存 audit sealer' },
  { id: 'AuditAlerts', message: 'audit alerts evaluated', metricName: 'AuditAlertRuns', what: '审计告警评估 alerts job' },
] as const;

export class OpsMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  /** The alarms this construct made, by purpose (hub-api.ts makes the audit and care ones). */
  readonly alarms: {
    readonly lambdaErrors: cloudwatch.Alarm[];
    readonly lambdaThrottles: cloudwatch.Alarm[];
    readonly api5xx: cloudwatch.Alarm;
    readonly deadLetters: cloudwatch.Alarm[];
    readonly stateMachines: cloudwatch.Alarm[];
    readonly auditJobs: cloudwatch.Alarm[];
    readonly backupJobs: cloudwatch.Alarm;
  };

  constructor(scope: Construct, id: string, props: OpsMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = `xinqiao-${props.provinceCode}-${props.stage.name}`;
    const topicName = `${name}-ops`;

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName,
      displayName: `Xinqiao ${props.provinceCode} ${props.stage.name} ops`,
      masterKey: props.key,
      enforceSSL: true,
    });
    for (const s of props.ops.alarms.subscriptions) {
      this.topic.addSubscription(s.protocol === 'email' ? new subscriptions.EmailSubscription(s.endpoint) : new subscriptions.UrlSubscription(s.endpoint));
    }
    // CloudWatch publishes as its service principal: the topic policy (which replaces SNS's default policy once
    // the TLS-only statement is added) and the key policy must both let it, and only for this account's alarms.
    const alarmsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: alarmsOfThisAccount,
      }),
    );
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheOpsTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: alarmsOfThisAccount,
      }),
    );

    const alarm = (alarmId: string, p: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'> & Partial<cloudwatch.AlarmProps>) =>
      new cloudwatch.Alarm(this, alarmId, {
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...p,
      });

    // Every Lambda of the stack, by its construct id (the route group, the worker, the jobs, CDK's own handlers).
    const functions = stack.node
      .findAll()
      .filter((c): c is lambda.Function => c instanceof lambda.Function)
      .map((fn) => ({ fn, label: labelOf(fn) }));
    const lambdaErrors = functions.map(({ fn, label }) =>
      alarm(`${label}Errors`, {
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: OPS_THRESHOLDS.lambdaErrors,
        evaluationPeriods: 1,
        alarmDescription: `Lambda ${label} failed (函数错误). Runbook: docs/runbook.md#lambda-errors`,
      }),
    );
    const lambdaThrottles = functions.map(({ fn, label }) =>
      alarm(`${label}Throttles`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: OPS_THRESHOLDS.lambdaThrottles,
        evaluationPeriods: 1,
        alarmDescription: `Lambda ${label} was throttled (函数被限流). Runbook: docs/runbook.md#lambda-throttles`,
      }),
    );

    const api5xx = alarm('Api5xxAlarm', {
      metric: props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: OPS_THRESHOLDS.api5xx,
      evaluationPeriods: 1,
      alarmDescription: 'The hub API answered 5xx (接口 5xx 错误). Runbook: docs/runbook.md#api-5xx',
    });

    // Every dead-letter queue: the redrive target of each queue, and each Lambda's own DLQ.
    const dlqs = new Map<string, sqs.IQueue>();
    for (const c of stack.node.findAll()) {
      const dlq = c instanceof sqs.Queue ? c.deadLetterQueue?.queue : c instanceof lambda.Function ? c.deadLetterQueue : undefined;
      if (dlq) dlqs.set(dlq.node.path, dlq);
    }
    const deadLetters = [...dlqs.values()].map((queue) =>
      alarm(`${queue.node.id}Depth`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: OPS_THRESHOLDS.deadLetters,
        evaluationPeriods: 1,
        alarmDescription: `Messages in the dead-letter queue ${queue.node.id} (死信队列有消息). Runbook: docs/runbook.md#dead-letters`,
      }),
    );

    // Every state machine: executions that did not succeed.
    const machines = stack.node.findAll().filter((c): c is sfn.StateMachine => c instanceof sfn.StateMachine);
    const unsuccessful = (m: sfn.StateMachine) =>
      new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: m.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
          timedOut: m.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
          aborted: m.metricAborted({ period: FIVE_MINUTES, statistic: 'Sum' }),
        },
        period: FIVE_MINUTES,
        label: m.node.id,
      });
    const stateMachines = machines.map((m) =>
      alarm(`${m.node.id}ExecutionsAlarm`, {
        metric: unsuccessful(m),
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription: `An execution of the state machine ${m.node.id} failed, timed out or was aborted (状态机执行失败). Runbook: docs/runbook.md#state-machine-executions`,
      }),
    );

    // The audit jobs' heartbeats: a metric filter counts finished runs; missing runs breach.
    const jobsNamespace = `Xinqiao/${props.provinceCode}-${props.stage.name}`;
    const intervals = { AuditSeal: props.auditDigestMinutes, AuditAlerts: props.alertsWindowMinutes };
    const jobRuns = AUDIT_JOB_RUNS.map((job) => {
      new logs.MetricFilter(this, `${job.id}Runs`, {
        logGroup: props.auditJobs.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', job.message),
        metricNamespace: jobsNamespace,
        metricName: job.metricName,
        metricValue: '1',
      });
      return {
        job,
        metric: new cloudwatch.Metric({
          namespace: jobsNamespace,
          metricName: job.metricName,
          statistic: 'Sum',
          period: Duration.minutes(intervals[job.id]),
          label: job.what,
        }),
      };
    });
    const auditJobs = jobRuns.map(({ job, metric }) =>
      alarm(`${job.id}MissedAlarm`, {
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        evaluationPeriods: 3,
        datapointsToAlarm: OPS_THRESHOLDS.missedJobRuns,
        alarmDescription: `The ${job.what} did not finish ${OPS_THRESHOLDS.missedJobRuns} of its last 3 runs (审计任务未完成). Runbook: docs/runbook.md#audit-jobs`,
      }),
    );

    const backupMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Backup',
        metricName,
        dimensionsMap: { BackupVaultName: props.backupVaultName },
        statistic: 'Sum',
        period: Duration.hours(1),
      });
    const backupJobs = alarm('BackupJobsFailedAlarm', {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(aborted, 0) + FILL(expired, 0)',
        usingMetrics: {
          failed: backupMetric('NumberOfBackupJobsFailed'),
          aborted: backupMetric('NumberOfBackupJobsAborted'),
          expired: backupMetric('NumberOfBackupJobsExpired'),
        },
        period: Duration.hours(1),
        label: 'failed, aborted or expired backup jobs',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'A backup job of the tables failed, was aborted or expired (备份任务失败). Runbook: docs/runbook.md#backup-jobs',
    });

    this.alarms = { lambdaErrors, lambdaThrottles, api5xx, deadLetters, stateMachines, auditJobs, backupJobs };
    Aspects.of(stack).add(new NotifyTopic(this.topic));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${name}-ops`, defaultInterval: Duration.days(1) });
    const graph = (title: string, metrics: cloudwatch.IMetric[], width = 12) => new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
    const perFunction = (f: (fn: lambda.Function) => cloudwatch.Metric) => functions.map(({ fn, label }) => f(fn).with({ label }));
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# 运维 Operations: ${props.provinceCode} ${props.stage.name}\nEvery alarm notifies the SNS topic \`${topicName}\`; what to do for each is in docs/runbook.md ("Alarms").`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: '告警 Alarms',
        alarms: stack.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm),
        width: 24,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        '函数错误 Lambda errors',
        perFunction((fn) => fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })),
      ),
      graph(
        '函数限流 Lambda throttles',
        perFunction((fn) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        '函数耗时 p99 Lambda duration p99 (ms)',
        perFunction((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })),
        24,
      ),
    );
    this.dashboard.addWidgets(
      graph('接口 5xx / 4xx API server and client errors', [
        props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: '5xx' }),
        props.api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum', label: '4xx' }),
      ]),
      graph('接口延迟 p99 API latency p99 (ms)', [props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'p99' })]),
    );
    if (machines.length > 0) {
      this.dashboard.addWidgets(graph('状态机未成功执行 State machine executions failed, timed out or aborted', machines.map(unsuccessful), 24));
    }
    this.dashboard.addWidgets(
      graph(
        '死信队列 Dead-letter queue depth',
        [...dlqs.values()].map((q) => q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum', label: q.node.id })),
        8,
      ),
      graph(
        '审计任务完成次数 Audit job runs',
        jobRuns.map(({ metric }) => metric),
        8,
      ),
      graph(
        '备份任务 Backup jobs',
        [backupMetric('NumberOfBackupJobsCompleted').with({ label: 'completed' }), backupMetric('NumberOfBackupJobsFailed').with({ label: 'failed' })],
        8,
      ),
    );
  }
}

/** A function's label in alarm ids and on the dashboard: its construct id without the `Function` suffix. */
function labelOf(fn: lambda.Function): string {
  const id = fn.node.id.replace(/Function$/, '');
  return id.replace(/[^A-Za-z0-9]/g, '');
}

/** Adds the ops topic as the ALARM and OK action of every alarm in the stack, once each. */
class NotifyTopic implements IAspect {
  readonly #action: SnsAction;
  readonly #done = new WeakSet<cloudwatch.Alarm>();
  constructor(topic: sns.ITopic) {
    this.#action = new SnsAction(topic);
  }
  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm) || this.#done.has(node)) return;
    this.#done.add(node);
    node.addAlarmAction(this.#action);
    node.addOkAction(this.#action);
  }
}
