/**
 * CloudWatch metrics through Powertools for AWS Lambda (Metrics): Embedded
 * Metric Format on stdout, no SDK call, no extra latency. On only where
 * XQ_METRICS=emf (the stack sets it); the alarms in lib/constructs/hub-api.ts
 * and the dashboards read the names declared here.
 *
 * Every figure is published with exactly the dimensions it is declared with:
 * Powertools' default `service` dimension is cleared, because the alarms sum
 * over the whole province (one service per Lambda would split every sum).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditEvent } from '../../schemas/entities/audit';
import { logger } from './logger';

export const METRICS_NAMESPACE = 'Xinqiao';
export const AUDIT_METRICS = ['Requests', 'Denied', 'FailedSignatures', 'EmergencyAccess'] as const;
/** Per route (dimensions Province, Route), in milliseconds from the first middleware to the audited response. */
export const LATENCY_METRIC = 'Latency';
/** Every AUTH_* failure, by code (dimensions Province, ErrorCode). */
export const AUTH_FAILURE_METRIC = 'AuthFailures';

const isOn = () => process.env.XQ_METRICS === 'emf';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
type Figure = readonly [name: string, unit: Unit, value: number];

let shared: Metrics | undefined;

/** The one Metrics instance of this Lambda (lazy: a Lambda with metrics off never builds it). */
function metrics(): Metrics {
  if (!shared) {
    shared = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'xinqiao-hub', logger });
    shared.clearDefaultDimensions();
  }
  return shared;
}

/** Publishes one EMF document: these figures under exactly these dimensions. Returns the document (tests). */
function publish(at: string | number, dimensions: Readonly<Record<string, string>>, figures: readonly Figure[]): string {
  const m = metrics();
  m.setTimestamp(typeof at === 'number' ? at : Date.parse(at));
  m.addDimensions({ ...dimensions });
  for (const [name, unit, value] of figures) m.addMetric(name, unit, value);
  const document = JSON.stringify(m.serializeMetrics());
  m.publishStoredMetrics();
  return document;
}

const count = (name: string, value: number): Figure => [name, MetricUnit.Count, value];

export function auditMetrics(event: AuditEvent): Record<(typeof AUDIT_METRICS)[number], number> {
  return {
    Requests: 1,
    Denied: event.outcome === 'deny' ? 1 : 0,
    FailedSignatures: event.errorCode === 'AUTH_BAD_SIGNATURE' ? 1 : 0,
    EmergencyAccess: event.route === 'POST /v1/cases/{caseId}/emergency' && event.outcome === 'allow' ? 1 : 0,
  };
}

/**
 * One audited request: the province's counts (alarms), the route's latency,
 * and the failure code when authentication failed; the first request of a
 * container also reports ColdStart. Returns the EMF documents written.
 */
export function emitAuditMetrics(event: AuditEvent, latencyMs?: number, enabled = isOn()): string[] {
  if (!enabled) return [];
  const at = Date.parse(event.time);
  const province = { Province: event.province };
  const m = metrics();
  m.setDefaultDimensions(province);
  m.captureColdStartMetric();
  m.clearDefaultDimensions();
  const documents = [
    publish(
      at,
      province,
      Object.entries(auditMetrics(event)).map(([name, value]) => count(name, value)),
    ),
  ];
  if (latencyMs !== undefined) {
    documents.push(publish(at, { ...province, Route: event.route }, [[LATENCY_METRIC, MetricUnit.Milliseconds, Math.round(latencyMs * 10) / 10]]));
  }
  if (event.errorCode?.startsWith('AUTH_')) documents.push(publish(at, { ...province, ErrorCode: event.errorCode }, [count(AUTH_FAILURE_METRIC, 1)]));
  return documents;
}

/** The overdue job's finding: OverdueItems in all, and by worklist kind (dimension Kind). */
export function emitOverdueMetrics(province: string, run: { at: string; total: number; byKind: Readonly<Record<string, number>> }, enabled = isOn()): string[] {
  if (!enabled) return [];
  return [
    publish(run.at, { Province: province }, [count('OverdueItems', run.total)]),
    ...Object.entries(run.byKind).map(([Kind, n]) => publish(run.at, { Province: province, Kind }, [count('OverdueItems', n)])),
  ];
}

/** The care job's sweep of pending merge follow-ups (lambdas/domain/care/after-merge.ts); the alarm reads `failed`. */
export const MERGE_FOLLOW_UP_METRICS = {
  pending: 'MergeFollowUpsPending',
  completed: 'MergeFollowUpsCompleted',
  closed: 'MergeFollowUpsClosed',
  failed: 'MergeFollowUpsFailed',
} as const;

/** One sweep's counts, province-wide (case ids stay in the logs). */
export function emitMergeFollowUpMetrics(
  province: string,
  run: { at: string; pending: number; completed: number; closed: number; failed: number },
  enabled = isOn(),
): string[] {
  if (!enabled) return [];
  const M = MERGE_FOLLOW_UP_METRICS;
  return [
    publish(run.at, { Province: province }, [
      count(M.pending, run.pending),
      count(M.completed, run.completed),
      count(M.closed, run.closed),
      count(M.failed, run.failed),
    ]),
  ];
}

/** The care metrics the dashboard shows (lib/constructs/care-dashboard.ts reads these names). */
export const CARE_METRICS = {
  keyRecipients: 'KeyRecipientsActive',
  referrals: 'Referrals',
  firstContactMedianDays: 'ReferralFirstContactMedianDays',
  carerShare: 'DischargedWithCarerShare',
  carerInTime: 'DischargedWithCarerInTime',
  carerLate: 'DischargedWithCarerLate',
  carerPending: 'DischargedCarerPending',
} as const;

/**
 * The care loop's figures, province-wide and exact (no county dimension: a county by risk level would
 * make cells of one child; a province-wide count names nobody): active key recipients in all and by RiskLevel,
 * referrals by Status, the median days to first contact and the paired-carer share when there is something to
 * measure, the paired-carer outcomes. OverdueItems comes from the overdue job (emitOverdueMetrics).
 */
export function emitCareMetrics(
  province: string,
  f: {
    at: string;
    keyRecipientsByRiskLevel: Readonly<Record<string, number>>;
    referralsByStatus: Readonly<Record<string, number>>;
    firstContactMedianDays?: number;
    pairedCarer: { inTime: number; late: number; pending: number };
  },
  enabled = isOn(),
): string[] {
  if (!enabled) return [];
  const M = CARE_METRICS;
  const total = Object.values(f.keyRecipientsByRiskLevel).reduce((a, b) => a + b, 0);
  const { inTime, late, pending } = f.pairedCarer;
  const whole: Figure[] = [count(M.keyRecipients, total), count(M.carerInTime, inTime), count(M.carerLate, late), count(M.carerPending, pending)];
  if (f.firstContactMedianDays !== undefined) whole.push([M.firstContactMedianDays, MetricUnit.NoUnit, f.firstContactMedianDays]);
  if (inTime + late > 0) whole.push([M.carerShare, MetricUnit.Percent, Math.round((inTime / (inTime + late)) * 1000) / 10]);
  return [
    publish(f.at, { Province: province }, whole),
    ...Object.entries(f.keyRecipientsByRiskLevel).map(([RiskLevel, n]) => publish(f.at, { Province: province, RiskLevel }, [count(M.keyRecipients, n)])),
    ...Object.entries(f.referralsByStatus).map(([Status, n]) => publish(f.at, { Province: province, Status }, [count(M.referrals, n)])),
  ];
}
