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

/** One EMF log line: `values` are metric values (named in `metrics`) and dimension values, all at the top level. */
function emfLine(at: string, dimensions: readonly string[], metrics: readonly { Name: string; Unit: string }[], values: Record<string, unknown>): string {
  return JSON.stringify({
    _aws: { Timestamp: Date.parse(at), CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [[...dimensions]], Metrics: metrics }] },
    ...values,
  });
}

function write(lines: string[]): string[] {
  for (const l of lines) process.stdout.write(`${l}\n`);
  return lines;
}

const count = (Name: string) => ({ Name, Unit: 'Count' });

/** The overdue job's finding as EMF lines: OverdueItems in all, and by worklist kind (dimension Kind). */
export function emitOverdueMetrics(
  province: string,
  run: { at: string; total: number; byKind: Readonly<Record<string, number>> },
  enabled = process.env.XQ_METRICS === 'emf',
): string[] {
  if (!enabled) return [];
  return write([
    emfLine(run.at, ['Province'], [count('OverdueItems')], { Province: province, OverdueItems: run.total }),
    ...Object.entries(run.byKind).map(([Kind, n]) =>
      emfLine(run.at, ['Province', 'Kind'], [count('OverdueItems')], { Province: province, Kind, OverdueItems: n }),
    ),
  ]);
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
 * The care loop's figures as EMF lines, province-wide and exact (no county dimension: a county by risk level would
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
  enabled = process.env.XQ_METRICS === 'emf',
): string[] {
  if (!enabled) return [];
  const M = CARE_METRICS;
  const total = Object.values(f.keyRecipientsByRiskLevel).reduce((a, b) => a + b, 0);
  const { inTime, late, pending } = f.pairedCarer;
  const lines = [
    emfLine(f.at, ['Province'], [count(M.keyRecipients), count(M.carerInTime), count(M.carerLate), count(M.carerPending)], {
      Province: province,
      [M.keyRecipients]: total,
      [M.carerInTime]: inTime,
      [M.carerLate]: late,
      [M.carerPending]: pending,
    }),
    ...Object.entries(f.keyRecipientsByRiskLevel).map(([RiskLevel, n]) =>
      emfLine(f.at, ['Province', 'RiskLevel'], [count(M.keyRecipients)], { Province: province, RiskLevel, [M.keyRecipients]: n }),
    ),
    ...Object.entries(f.referralsByStatus).map(([Status, n]) =>
      emfLine(f.at, ['Province', 'Status'], [count(M.referrals)], { Province: province, Status, [M.referrals]: n }),
    ),
  ];
  if (f.firstContactMedianDays !== undefined) {
    lines.push(
      emfLine(f.at, ['Province'], [{ Name: M.firstContactMedianDays, Unit: 'None' }], {
        Province: province,
        [M.firstContactMedianDays]: f.firstContactMedianDays,
      }),
    );
  }
  if (inTime + late > 0) {
    lines.push(
      emfLine(f.at, ['Province'], [{ Name: M.carerShare, Unit: 'Percent' }], {
        Province: province,
        [M.carerShare]: Math.round((inTime / (inTime + late)) * 1000) / 10,
      }),
    );
  }
  return write(lines);
}
