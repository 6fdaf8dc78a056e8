/**
 * The list worker: consumes list jobs (SQS in the stack) and takes each forward (read the list, link its
 * rows in bulk). Partial batch failures are reported per message, so one failing job never makes SQS
 * redeliver the others; a failed job's message comes back and the job resumes at the rows not done. A job
 * still unfinished when the time budget is spent is queued again, so no invocation outlives its timeout.
 * Every page of rows writes one audit event (agency, records written, outcome), as a request does, and a
 * failure writes one too.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ListJob, ListWork } from '../../schemas/entities/lists';
import { outcomeOf } from '../domain/audit/audit-event';
import { processJob } from '../domain/lists/list-jobs';
import { toHubError } from '../middleware/error-mapper';
import { timeOrderedId } from '../shared/ids';
import { logger } from '../shared/logger';
import type { HubRuntime } from '../runtime';

export interface ListWorkerOptions {
  readonly now?: () => Date;
  /** Time one invocation spends on a job before queuing the rest (the Lambda's timeout is 150 s). */
  readonly budgetMs?: number;
  /** Queued rows linked per page (one audit event each). */
  readonly pageRows?: number;
}

export const WORKER_BUDGET_MS = 100_000;

export function createListWorker(runtime: HubRuntime, options: ListWorkerOptions = {}) {
  const now = options.now ?? (() => new Date());
  const bulk = runtime.lists.bulk;
  if (!bulk) throw new Error('the list worker needs the bulk linking store');
  const audit = async (
    messageId: string,
    work: ListWork | undefined,
    job: ListJob | undefined,
    status: number,
    recordIds: readonly string[],
    errorCode?: string,
  ) => {
    const time = now();
    await runtime.audit.append({
      eventId: timeOrderedId('evt', time.getTime()),
      time: time.toISOString(),
      requestId: messageId,
      province: runtime.province,
      route: 'WORKER lists',
      path: work ? `/v1/lists/${work.jobId}` : '/v1/lists',
      agencyVerified: job !== undefined,
      ...(job && { agencyId: job.agencyId }),
      recordIds: [...recordIds],
      outcome: outcomeOf(status),
      status,
      ...(errorCode && { errorCode }),
    });
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    // One budget for the whole event (SQS hands the worker up to 5 messages): jobs reached after it are queued again.
    const deadline = Date.now() + (options.budgetMs ?? WORKER_BUDGET_MS);
    for (const message of event.Records) {
      logger.resetKeys();
      logger.appendKeys({ messageId: message.messageId });
      let work: ListWork | undefined;
      try {
        work = JSON.parse(message.body) as ListWork;
        if (Date.now() > deadline) {
          await runtime.lists.queue.enqueue([{ jobId: work.jobId }]);
          continue;
        }
        const state = await processJob({ ...runtime.lists, records: runtime.records, bulk }, work, {
          deadline,
          ...(options.pageRows && { pageRows: options.pageRows }),
          onPage: (page, job) => audit(message.messageId, work, job, 200, page.recordIds),
        });
        if (state === 'more') await runtime.lists.queue.enqueue([{ jobId: work.jobId }]);
      } catch (error) {
        const hub = toHubError(error);
        failures.push({ itemIdentifier: message.messageId });
        logger.error('list job failed; SQS will retry it', { code: hub.code });
        const job = work ? await runtime.lists.lists.job(work.jobId).catch(() => undefined) : undefined;
        await audit(message.messageId, work, job, hub.statusCode, [], hub.code).catch(() => undefined);
      }
    }
    return { batchItemFailures: failures };
  };
}
