/** Audit metrics through Powertools Metrics: the province's counts, per-route latency, AUTH_* codes, cold start. */
import { describe, expect, it } from 'vitest';
import { auditMetrics, emitAuditMetrics } from '../../../lambdas/shared/metrics';

const event = {
  eventId: 'e',
  time: new Date().toISOString(),
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

const dimensionsOf = (doc: { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } }) => doc._aws.CloudWatchMetrics[0]!.Dimensions[0];
const metricNames = (doc: { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } }) => doc._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);

describe('audit metrics', () => {
  it('counts denials, failed signatures and emergency access', () => {
    expect(auditMetrics(event)).toEqual({ Requests: 1, Denied: 1, FailedSignatures: 1, EmergencyAccess: 0 });
    expect(auditMetrics({ ...event, route: 'POST /v1/cases/{caseId}/emergency', outcome: 'allow', status: 201, errorCode: undefined })).toMatchObject({
      EmergencyAccess: 1,
      Denied: 0,
    });
  });

  it('writes nothing when metrics are off', () => {
    expect(emitAuditMetrics(event, 12, false)).toEqual([]);
  });

  it('writes the counts by province, the latency by route and the AUTH_* code, each under exactly its dimensions', () => {
    // As in a Lambda started on demand (Powertools counts no cold start elsewhere, nor under provisioned concurrency).
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    let docs: ReturnType<typeof JSON.parse>[];
    try {
      docs = emitAuditMetrics(event, 12.34, true).map((d) => JSON.parse(d));
      // A second request of the same container: no second cold start.
      emitAuditMetrics({ ...event, errorCode: undefined, outcome: 'allow', status: 200 }, 3, true);
    } finally {
      process.stdout.write = original;
    }
    expect(docs).toHaveLength(3);
    const [counts, latency, auth] = docs;
    expect(counts._aws.CloudWatchMetrics[0].Namespace).toBe('Xinqiao');
    expect(dimensionsOf(counts)).toEqual(['Province']);
    expect(counts).toMatchObject({ Province: '540000', Requests: 1, Denied: 1, FailedSignatures: 1, EmergencyAccess: 0 });
    expect(counts.service).toBeUndefined();
    expect(dimensionsOf(latency)).toEqual(['Province', 'Route']);
    expect(latency).toMatchObject({ Route: 'GET /v1/notifications', Latency: 12.3 });
    expect(latency._aws.CloudWatchMetrics[0].Metrics[0].Unit).toBe('Milliseconds');
    expect(dimensionsOf(auth)).toEqual(['Province', 'ErrorCode']);
    expect(auth).toMatchObject({ ErrorCode: 'AUTH_BAD_SIGNATURE', AuthFailures: 1 });
    // What reached stdout: the cold start once, then the documents above, then the second request's two.
    const lines = written
      .flatMap((w) => w.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const coldStarts = lines.filter((l) => metricNames(l).includes('ColdStart'));
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]).toMatchObject({ Province: '540000', ColdStart: 1 });
    expect(lines.filter((l) => metricNames(l).includes('Requests'))).toHaveLength(2);
    expect(lines.filter((l) => metricNames(l).includes('AuthFailures'))).toHaveLength(1);
  });
});
