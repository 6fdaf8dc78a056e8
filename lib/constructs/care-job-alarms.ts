/**
 * The care job's alarms, on the hourly figures it writes (lambdas/shared/metrics.ts; the latest value of each hour):
 * overdue work piling up (a care problem), and a merge's follow-up that the sweep could not run two runs in a row
 * (a system one: it does not heal by itself). Built in the hub API's scope, beside the audit alarms; their actions
 * (the province's ops topic) are added by lib/constructs/ops-monitoring.ts, like every alarm's.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { MERGE_FOLLOW_UP_METRICS, METRICS_NAMESPACE } from '../../lambdas/shared/metrics';
import type { ProvinceConfig } from '../../schemas/province-config';

export function careJobAlarms(scope: Construct, config: ProvinceConfig): void {
  const hourly = (id: string, metricName: string, threshold: number, evaluationPeriods: number, alarmDescription: string) =>
    new cloudwatch.Alarm(scope, id, {
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { Province: config.provinceCode },
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      threshold,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription,
    });
  hourly(
    'OverdueItemsAlarm',
    'OverdueItems',
    config.care.overdueAlarmThreshold,
    1,
    'Overdue care work piles up (关爱工作逾期告警: 逾期事项过多). Runbook: docs/runbook.md#overdue-items',
  );
  hourly(
    'MergeFollowUpsAlarm',
    MERGE_FOLLOW_UP_METRICS.failed,
    1,
    2,
    'Work owed after a merge is not moved (个案合并后续处理失败: 待办未转移). Runbook: docs/runbook.md#merge-follow-ups',
  );
}
