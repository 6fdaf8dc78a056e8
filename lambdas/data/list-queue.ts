/**
 * Where list jobs wait to be processed. In the stack: an SQS queue (messages
 * carry a job id only, never personal data). Locally: an
 * in-process queue that calls the same worker handler with SQS-shaped events.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
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

/** The worker as the queue calls it: SQS events in, the messages that failed out. */
export type ListWorkerHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** How the local queue redelivers a message its worker failed (SQS: the visibility timeout, then the DLQ after 5 receives). */
export interface RedeliveryOptions {
  readonly maxReceives?: number;
  readonly delayMs?: number;
}

/**
 * Local stand-in: delivers each message to the worker soon after, like SQS with a Lambda consumer, and delivers
 * a message again when the worker reports it failed (or throws), up to `maxReceives` times in all.
 */
export class InProcessListQueue {
  #worker?: ListWorkerHandler;
  #pending: Promise<unknown> = Promise.resolve();
  #sent = 0;
  readonly #maxReceives: number;
  readonly #delayMs: number;

  constructor(options: RedeliveryOptions = {}) {
    this.#maxReceives = options.maxReceives ?? 5;
    this.#delayMs = options.delayMs ?? 100;
  }

  attach(worker: ListWorkerHandler): void {
    this.#worker = worker;
  }

  async enqueue(work: readonly ListWork[]): Promise<void> {
    const worker = this.#worker;
    if (!worker) throw new Error('no list worker attached');
    const records = work.map((w) => ({ messageId: `${w.jobId}-${++this.#sent}`, body: JSON.stringify(w) }) as SQSEvent['Records'][number]);
    this.#pending = this.#pending.then(() => this.#deliver(worker, records, 1));
  }

  async #deliver(worker: ListWorkerHandler, records: SQSEvent['Records'], receive: number): Promise<void> {
    let failed: SQSEvent['Records'];
    try {
      const out = await worker({ Records: records });
      const ids = new Set((out?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      failed = records.filter((r) => ids.has(r.messageId));
    } catch {
      failed = records;
    }
    if (failed.length === 0 || receive >= this.#maxReceives) return;
    await new Promise((resolve) => setTimeout(resolve, this.#delayMs * receive));
    await this.#deliver(worker, failed, receive + 1);
  }

  /** Resolves when everything queued so far, and everything the worker queued meanwhile, was processed (tests). */
  async drained(): Promise<void> {
    for (;;) {
      const pending = this.#pending;
      await pending;
      if (pending === this.#pending) return;
    }
  }
}
