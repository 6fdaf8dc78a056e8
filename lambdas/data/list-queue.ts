/**
 * Where list rows wait to be processed. In the stack: an SQS queue (messages
 * carry a job id and row numbers only, never personal data). Locally: an
 * in-process queue that calls the same worker handler with SQS-shaped events.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { ServiceUnavailableError } from '../shared/errors';
import type { ListWork } from '../../schemas/entities/lists';

/** The SQS queue (implements the domain's ListQueue port, lambdas/domain/lists/ports.ts). */
export class SqsListQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(work: readonly ListWork[]): Promise<void> {
    for (let i = 0; i < work.length; i += 10) {
      const batch = work.slice(i, i + 10);
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((w, k) => ({ Id: String(k), MessageBody: JSON.stringify(w) })),
        }),
      );
      if (out.Failed?.length) throw new ServiceUnavailableError(`${out.Failed.length} list messages could not be queued`);
    }
  }
}

/** Local stand-in: delivers each message to the worker soon after, like SQS with a Lambda consumer. */
export class InProcessListQueue {
  #worker?: (event: SQSEvent) => Promise<unknown>;
  #pending: Promise<unknown> = Promise.resolve();

  attach(worker: (event: SQSEvent) => Promise<unknown>): void {
    this.#worker = worker;
  }

  async enqueue(work: readonly ListWork[]): Promise<void> {
    const worker = this.#worker;
    if (!worker) throw new Error('no list worker attached');
    const records = work.map((w, i) => ({ messageId: `${w.jobId}-${i}-${Date.now()}`, body: JSON.stringify(w) }) as SQSEvent['Records'][number]);
    this.#pending = this.#pending.then(() => worker({ Records: records }).catch(() => undefined));
  }

  /** Resolves when everything queued so far was processed (tests). */
  drained(): Promise<unknown> {
    return this.#pending;
  }
}
