import { describe, expect, it } from 'vitest';
import { auditMetrics, emitAuditMetrics } from '../../../lambdas/shared/metrics';

const event = {
  eventId: 'e',
  time: '2026-01-01T00:00:00.000Z',
  requestId: 'r',
  province: '540000',
  route: 'GET /v1/notifications',
  path: '/v1/notifications',
  agencyVerified: false,
  recordIds: [],
  outcome: 'deny' as const,
  status: 401,
  errorCode: 'AUTH_BAD_SIGNATURE',
};

describe('audit metrics', () => {
  it('counts denials, failed signatures and emergency access', () => {
    expect(auditMetrics(event)).toEqual({ Requests: 1, Denied: 1, FailedSignatures: 1, EmergencyAccess: 0 });
    expect(auditMetrics({ ...event, route: 'POST /v1/cases/{caseId}/emergency', outcome: 'allow', status: 201, errorCode: undefined })).toMatchObject({
      EmergencyAccess: 1,
      Denied: 0,
    });
  });

  it('writes one Embedded Metric Format line, only when enabled', () => {
    expect(emitAuditMetrics(event, false)).toBeUndefined();
    const line = JSON.parse(emitAuditMetrics(event, true)!);
    expect(line._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Xinqiao', Dimensions: [['Province']] });
    expect(line).toMatchObject({ Province: '540000', FailedSignatures: 1 });
  });
});
