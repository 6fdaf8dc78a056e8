/**
 * Timeouts and retries of every AWS SDK client the hub makes (DynamoDB, KMS,
 * SQS), in one place: the deployed Lambdas (lambdas/entry/environment.ts) and
 * the local hub (local/dynamodb-local.ts) both build their clients with `sdkClient`.
 *
 * Without this the SDK waits forever for a store that accepts connections and
 * never answers. Here:
 * - an attempt fails (TimeoutError) once it has waited `silenceMs` while the
 *   store answered nobody in the same time: a frozen store is given up on
 *   after `silenceMs`, while a store that is slow under load but still
 *   answering gets up to `requestTimeoutMs` (the hard cap, which also covers
 *   connecting) and `connectionTimeoutMs` to connect;
 * - an attempt that timed out is not retried: the request ends at once as 503
 *   SERVICE_UNAVAILABLE with Retry-After, and the client retries
 *   (docs/protocol.md). A frozen store thus costs `silenceMs` per store call
 *   on the request's path, not maxAttempts of them;
 * - a refused or reset connection, throttling and 5xx answers are retried by
 *   the SDK's standard strategy (exponential backoff with jitter), at most
 *   `maxAttempts` attempts in all.
 */
import { StandardRetryStrategy } from '@smithy/core/retry';

export interface CallBudget {
  /** Longest wait for a TCP (and TLS) connection, in ms. */
  readonly connectionTimeoutMs: number;
  /** How long an attempt may go unanswered while the store answers nobody else either, in ms. */
  readonly silenceMs: number;
  /** Longest one attempt may take however busy the store is, connection included, in ms. */
  readonly requestTimeoutMs: number;
  /** Attempts in all, the first included, for retryable failures other than timeouts. */
  readonly maxAttempts: number;
}

/**
 * DynamoDB answers in milliseconds; on DynamoDB Local on a loaded two-core machine single calls took
 * up to 8 s at 64 concurrent publishes (connecting included: calls wait for one of the client's 50
 * sockets) while the store kept answering others, so the caps are generous and silence decides: a
 * frozen table answers 503 after about 1.5 s per store call on the request's path (a signed request
 * makes two before it fails: replay check, audit chain head).
 */
export const SDK_BUDGETS = {
  dynamodb: { connectionTimeoutMs: 10_000, silenceMs: 1_500, requestTimeoutMs: 10_000, maxAttempts: 3 },
  kms: { connectionTimeoutMs: 10_000, silenceMs: 2_000, requestTimeoutMs: 10_000, maxAttempts: 3 },
  sqs: { connectionTimeoutMs: 10_000, silenceMs: 2_000, requestTimeoutMs: 10_000, maxAttempts: 3 },
} as const satisfies Record<string, CallBudget>;

export type SdkService = keyof typeof SDK_BUDGETS;

/** For offline tools that read whole tables (audit verification, benchmarks): patient, still bounded. */
export const OFFLINE_BUDGET: CallBudget = { connectionTimeoutMs: 10_000, silenceMs: 30_000, requestTimeoutMs: 60_000, maxAttempts: 3 };

/** The SDK's standard retries, except for an attempt that timed out (see the module comment). */
type Refresh = StandardRetryStrategy['refreshRetryTokenForRetry'];

/**
 * Whether an attempt ran out of time: the handler's connection and request timeouts (TimeoutError
 * without a code, or ETIMEDOUT). The handler names a reset connection ("socket hang up") TimeoutError
 * too, but with code ECONNRESET: that one is retried.
 */
export function timedOut(error: { name?: string; code?: string } | undefined): boolean {
  return error?.name === 'TimeoutError' && (error.code === undefined || error.code === 'ETIMEDOUT');
}

export class NoRetryAfterTimeout extends StandardRetryStrategy {
  override async refreshRetryTokenForRetry(token: Parameters<Refresh>[0], errorInfo: Parameters<Refresh>[1]): ReturnType<Refresh> {
    if (timedOut(errorInfo.error)) throw new Error('an attempt that timed out is not retried');
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}

/** The client settings for `service`; `sdkClient` adds the silence watch. */
export function sdkClientConfig(service: SdkService, budget: CallBudget = SDK_BUDGETS[service]) {
  return {
    maxAttempts: budget.maxAttempts,
    retryStrategy: new NoRetryAfterTimeout(budget.maxAttempts),
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes (@smithy/node-http-handler >= 4.4).
      throwOnRequestTimeout: true,
    },
  };
}

export type SdkClientConfig = ReturnType<typeof sdkClientConfig>;

/** What the watch needs of the SDK's request handler (an HttpHandler of @smithy/types). */
interface RequestHandler {
  handle(request: unknown, options?: { abortSignal?: AbortSignal; [key: string]: unknown }): Promise<unknown>;
  destroy?(): void;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
  readonly metadata?: unknown;
}

/**
 * Wraps a client's request handler: aborts an attempt that has waited `silenceMs` while no attempt of
 * this client was answered for `silenceMs`, and reports it as a TimeoutError (code ETIMEDOUT).
 */
export class SilenceWatch implements RequestHandler {
  #lastAnswerAt = 0;
  constructor(
    readonly inner: RequestHandler,
    readonly silenceMs: number,
  ) {}

  get metadata() {
    return this.inner.metadata;
  }

  async handle(request: unknown, options: { abortSignal?: AbortSignal; [key: string]: unknown } = {}): Promise<unknown> {
    const controller = new AbortController();
    const outer = options.abortSignal;
    if (outer?.aborted) controller.abort();
    outer?.addEventListener('abort', () => controller.abort(), { once: true });
    const started = Date.now();
    const every = Math.max(25, Math.floor(this.silenceMs / 10));
    let lastTick = started;
    let silent = false;
    const watch = setInterval(() => {
      const now = Date.now();
      const stalled = now - lastTick > 2 * every;
      lastTick = now;
      // A tick that comes late means this process was busy, not the store: answers may be waiting unread.
      if (stalled) return;
      if (now - started >= this.silenceMs && now - this.#lastAnswerAt >= this.silenceMs) {
        silent = true;
        controller.abort();
      }
    }, every);
    try {
      const answer = await this.inner.handle(request, { ...options, abortSignal: controller.signal });
      this.#lastAnswerAt = Date.now();
      return answer;
    } catch (error) {
      if (silent)
        throw Object.assign(new Error(`no answer for ${this.silenceMs} ms, and none to any other call`), {
          name: 'TimeoutError',
          code: 'ETIMEDOUT',
          cause: error,
        });
      throw error;
    } finally {
      clearInterval(watch);
    }
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig?.(key, value);
  }

  httpHandlerConfigs(): unknown {
    return this.inner.httpHandlerConfigs?.() ?? {};
  }

  destroy(): void {
    this.inner.destroy?.();
  }
}

/**
 * Builds an SDK client with the service's budget.
 *
 * @example
 * const dynamo = sdkClient((config) => new DynamoDBClient(config), 'dynamodb');
 */
export function sdkClient<C extends { config: object }>(
  make: (config: SdkClientConfig) => C,
  service: SdkService,
  budget: CallBudget = SDK_BUDGETS[service],
): C {
  const client = make(sdkClientConfig(service, budget));
  const config = client.config as { requestHandler: RequestHandler };
  // The client turned the handler options into its Node HTTP handler; the watch goes around that one.
  config.requestHandler = new SilenceWatch(config.requestHandler, budget.silenceMs);
  return client;
}
