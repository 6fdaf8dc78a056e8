/**
 * CloudWatch metrics as Embedded Metric Format log lines, one per audited
 * request (no SDK call, no extra latency). On only where XQ_METRICS=emf (the
 * stack sets it); the alarms in lib/constructs/hub-api.ts watch these metrics.
 */
import type { AuditEvent } from '../../schemas/entities/audit';

export const METRICS_NAMESPACE = 'Xinqiao';
export const AUDIT_METRICS = ['Requests', 'Denied', 'FailedSignatures', 'EmergencyAccess'] as const;

export function auditMetrics(event: AuditEvent): Record<(typeof AUDIT_METRICS)[number], number> {
  return {
    Requests: 1,
    Denied: event.outcome === 'deny' ? 1 : 0,
    FailedSignatures: event.errorCode === 'AUTH_BAD_SIGNATURE' ? 1 : 0,
    EmergencyAccess: event.route === 'POST /v1/cases/{caseId}/emergency' && event.outcome === 'allow' ? 1 : 0,
  };
}

export function emitAuditMetrics(event: AuditEvent, enabled = process.env.XQ_METRICS === 'emf'): string | undefined {
  if (!enabled) return undefined;
  const line = JSON.stringify({
    _aws: {
      Timestamp: Date.parse(event.time),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['Province']], Metrics: AUDIT_METRICS.map((Name) => ({ Name, Unit: 'Count' })) }],
    },
    Province: event.province,
    ...auditMetrics(event),
  });
  process.stdout.write(`${line}\n`);
  return line;
}

/** The overdue job's finding as one EMF line: OverdueItems in all, and by worklist kind (dimension Kind). */
export function emitOverdueMetrics(
  province: string,
  run: { at: string; total: number; byKind: Readonly<Record<string, number>> },
  enabled = process.env.XQ_METRICS === 'emf',
): string[] {
  if (!enabled) return [];
  const line = (dimensions: string[], values: Record<string, unknown>) =>
    JSON.stringify({
      _aws: {
        Timestamp: Date.parse(run.at),
        CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [dimensions], Metrics: [{ Name: 'OverdueItems', Unit: 'Count' }] }],
      },
      Province: province,
      ...values,
    });
  const lines = [
    line(['Province'], { OverdueItems: run.total }),
    ...Object.entries(run.byKind).map(([Kind, n]) => line(['Province', 'Kind'], { Kind, OverdueItems: n })),
  ];
  for (const l of lines) process.stdout.write(`${l}\n`);
  return lines;
}
