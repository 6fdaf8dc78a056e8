/**
 * The list worker: consumes queued list rows (SQS in the stack) and publishes
 * them. Partial batch failures are reported per message, so one bad message
 * never makes SQS redeliver the others. Each message writes one audit event
 * (agency, records touched, outcome), like a request does.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { outcomeOf } from '../domain/audit/audit-event';
import { processWork } from '../domain/lists/list-jobs';
import type { ListWork } from '../../schemas/entities/lists';
import { toHubError } from '../middleware/error-mapper';
import { timeOrderedId } from '../shared/ids';
import { logger } from '../shared/logger';
import type { HubRuntime } from '../runtime';

export function createListWorker(runtime: HubRuntime, now: () => Date = () => new Date()) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      logger.resetKeys();
      logger.appendKeys({ messageId: message.messageId });
      let work: ListWork | undefined;
      let status = 200;
      let errorCode: string | undefined;
      try {
        work = JSON.parse(message.body) as ListWork;
        await processWork({ ...runtime.lists, records: runtime.records }, work);
      } catch (error) {
        const hub = toHubError(error);
        status = hub.statusCode;
        errorCode = hub.code;
        failures.push({ itemIdentifier: message.messageId });
        logger.error('list message failed; SQS will retry it', { code: hub.code });
      }
      const job = work ? await runtime.lists.lists.job(work.jobId).catch(() => undefined) : undefined;
      const rows =
        work && job ? await runtime.lists.lists.rows(work.jobId, { afterRow: Math.min(...work.rows) - 1, limit: work.rows.length }).catch(() => []) : [];
      const time = now();
      await runtime.audit.append({
        eventId: timeOrderedId('evt', time.getTime()),
        time: time.toISOString(),
        requestId: message.messageId,
        province: runtime.province,
        route: 'WORKER lists',
        path: work ? `/v1/lists/${work.jobId}` : '/v1/lists',
        agencyVerified: job !== undefined,
        ...(job && { agencyId: job.agencyId }),
        recordIds: rows.flatMap((r) => (r.result ? [r.result.recordId] : [])),
        outcome: outcomeOf(status),
        status,
        ...(errorCode && { errorCode }),
      });
    }
    return { batchItemFailures: failures };
  };
}
