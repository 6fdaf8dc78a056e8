/**
 * Timeouts and retries of every AWS SDK client the hub makes (DynamoDB, KMS,
 * SQS), in one place: the deployed Lambdas (lambdas/entry/environment.ts) and
 * the local hub (local/dynamodb-local.ts) both build their clients from here.
 *
 * Without this the SDK waits forever for a store that accepts connections and
 * never answers. Here each attempt has a connection timeout and a request
 * timeout (which covers connecting, sending and the whole answer), and:
 * - an attempt that timed out is not retried: the store stayed silent for the
 *   whole budget, so the request ends at once as 503 SERVICE_UNAVAILABLE with
 *   Retry-After, and the client retries (docs/protocol.md). A silent store thus
 *   costs one budget per store call on the request's path, not maxAttempts of them;
 * - a refused or reset connection, throttling and 5xx answers are retried by
 *   the SDK's standard strategy (exponential backoff with jitter), at most
 *   `maxAttempts` attempts in all.
 */
import { StandardRetryStrategy } from '@smithy/core/retry';

export interface CallBudget {
  /** Longest wait for a TCP (and TLS) connection, in ms. */
  readonly connectionTimeoutMs: number;
  /** Longest one attempt may take, connection included, in ms. */
  readonly requestTimeoutMs: number;
  /** Attempts in all, the first included, for retryable failures other than timeouts. */
  readonly maxAttempts: number;
}

/**
 * DynamoDB answers in milliseconds; 2.5 s still covers DynamoDB Local on a loaded
 * two-core machine (slowest call measured at 64 concurrent requests: 2.4 s), so
 * a frozen table answers 503 after about 2.5 s per store call on the request's
 * path (a signed request makes two before it fails: replay check, audit chain head).
 */
export const SDK_BUDGETS = {
  dynamodb: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_500, maxAttempts: 3 },
  kms: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 3 },
  sqs: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 },
} as const satisfies Record<string, CallBudget>;

export type SdkService = keyof typeof SDK_BUDGETS;

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

/** The client settings for `service`: spread into `new DynamoDBClient({ ...sdkClientConfig('dynamodb'), ... })`. */
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
