/**
 * Unusual access, found in the recent audit events: an agency system or a
 * staff member reading far more than the province's thresholds allow, bursts
 * of denied requests, and failed signatures presenting a known agency's key.
 * (Emergency access notifies officers the moment it is opened.) Pure.
 */
import type { ProvinceConfig } from '../../../schemas/province-config';
import type { ChainedEvent } from '../../../schemas/entities/audit';

export type AlertThresholds = ProvinceConfig['alerts'];

export interface Alert {
  readonly kind: 'read_rate_agency' | 'read_rate_staff' | 'denied_burst' | 'failed_signatures';
  readonly agencyId: string;
  readonly sub?: string;
  readonly count: number;
  readonly threshold: number;
  /** Start of the window (ISO), so that one burst raises one alert. */
  readonly window: string;
}

const READS = new Set(['GET /v1/cases/{caseId}', 'GET /v1/records/{recordId}', 'GET /v1/ledger']);

export function windowStart(now: Date, minutes: number): string {
  const ms = minutes * 60_000;
  return new Date(Math.floor(now.getTime() / ms) * ms).toISOString();
}

export function evaluateAlerts(events: readonly ChainedEvent[], t: AlertThresholds, window: string): Alert[] {
  const count = (key: string, map: Map<string, number>) => map.set(key, (map.get(key) ?? 0) + 1);
  const reads = new Map<string, number>();
  const staff = new Map<string, number>();
  const denied = new Map<string, number>();
  const badSig = new Map<string, number>();
  for (const e of events) {
    const agency = typeof e.agencyId === 'string' ? e.agencyId : undefined;
    if (!agency) continue;
    if (e.outcome === 'allow' && READS.has(String(e.route))) {
      count(agency, reads);
      if (typeof e.sub === 'string') count(`${agency}\u0000${e.sub}`, staff);
    }
    if (e.outcome === 'deny' && e.agencyVerified === true) count(agency, denied);
    if (e.errorCode === 'AUTH_BAD_SIGNATURE') count(agency, badSig);
  }
  const alerts: Alert[] = [];
  for (const [agencyId, n] of reads)
    if (n > t.readsPerAgency) alerts.push({ kind: 'read_rate_agency', agencyId, count: n, threshold: t.readsPerAgency, window });
  for (const [key, n] of staff) {
    const [agencyId, sub] = key.split('\u0000') as [string, string];
    if (n > t.readsPerStaff) alerts.push({ kind: 'read_rate_staff', agencyId, sub, count: n, threshold: t.readsPerStaff, window });
  }
  for (const [agencyId, n] of denied)
    if (n > t.deniedPerAgency) alerts.push({ kind: 'denied_burst', agencyId, count: n, threshold: t.deniedPerAgency, window });
  for (const [agencyId, n] of badSig)
    if (n >= t.failedSignatures) alerts.push({ kind: 'failed_signatures', agencyId, count: n, threshold: t.failedSignatures, window });
  return alerts;
}
