/**
 * The care loop at a glance (docs/care-loop.md, "Care metrics") as a CloudWatch dashboard: the EMF metrics the
 * hourly care job writes (lambdas/shared/metrics.ts: active key recipients by risk level, referrals by status,
 * median days to first contact, paired carers within N days) and OverdueItems by kind. Province-wide only.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CARE_METRICS, METRICS_NAMESPACE } from '../../lambdas/shared/metrics';
import { DUE_KINDS, UNASSESSED } from '../../lambdas/domain/care/care-metrics';
import { REFERRAL_STATUSES } from '../../schemas/referrals';
import type { ProvinceConfig } from '../../schemas/province-config';
import type { StageSettings } from '../config/stages';

export interface CareDashboardProps {
  readonly config: ProvinceConfig;
  readonly stage: StageSettings;
}

export class CareDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: CareDashboardProps) {
    super(scope, id);
    const province = props.config.provinceCode;
    // The job runs hourly: the latest value of each hour is the figure.
    const metric = (metricName: string, dimensions: Record<string, string> = {}, label?: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { Province: province, ...dimensions },
        statistic: 'Maximum',
        period: Duration.hours(1),
        ...(label && { label }),
      });
    const M = CARE_METRICS;
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `xinqiao-${province}-${props.stage.name}-care-loop`,
      defaultInterval: Duration.days(14),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# 关爱闭环概览 The care loop at a glance (${props.config.name.zh} ${props.config.name.en})\nProvince-wide figures from the hourly care job; the county view with small-cell suppression is \`GET /v1/care-metrics?county=\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('重点关爱对象（按风险等级）Active key recipients by risk level', [
        metric(M.keyRecipients, {}, 'all'),
        ...[...props.config.care.riskScale, UNASSESSED].map((level) => metric(M.keyRecipients, { RiskLevel: level }, level)),
      ]),
      graph(
        '转介（按状态）Referrals by status',
        REFERRAL_STATUSES.map((status) => metric(M.referrals, { Status: status }, status)),
        { stacked: true },
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: '转介至首次接触（天，中位数）Median days, referral to first contact',
        metrics: [metric(M.firstContactMedianDays)],
        width: 6,
        height: 6,
      }),
      new cloudwatch.SingleValueWidget({
        title: `出院 ${props.config.care.carerAssignDays} 天内落实结对关爱人 % Paired carer within ${props.config.care.carerAssignDays} days`,
        metrics: [metric(M.carerShare)],
        width: 6,
        height: 6,
      }),
      graph('出院儿童结对关爱 Discharged children: paired carer', [
        metric(M.carerInTime, {}, 'in time'),
        metric(M.carerLate, {}, 'late'),
        metric(M.carerPending, {}, 'pending'),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        '逾期事项（按类别）Overdue items by kind',
        [metric('OverdueItems', {}, 'all'), ...DUE_KINDS.map((kind) => metric('OverdueItems', { Kind: kind }, kind))],
        {
          width: 24,
        },
      ),
    );
  }
}
