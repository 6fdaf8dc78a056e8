/**
 * The one place a failed call to a dependency (DynamoDB, KMS, SQS) is classified.
 * A failure that says nothing about the request — the store did not answer, the
 * connection was refused or reset, the service throttled or failed (5xx) after
 * the SDK's own retries — becomes a retryable 503 SERVICE_UNAVAILABLE with
 * `Retry-After`. Anything else (a bad key, a missing table, a validation error
 * from the service) is left to the caller: it is a bug or a configuration fault,
 * and the error mapper answers it as 500 INTERNAL.
 *
 * Built on the SDK's own error classification (@smithy/core/retry), which the
 * retry strategy uses too, so "retryable by the SDK" and "503 to the client" agree.
 */
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { ServiceUnavailableError } from './errors';

export type Dependency = 'database' | 'key service' | 'queue' | 'dependency';

/** `no-answer`: timed out, refused, reset or unreachable; `busy`: throttled or failing on its side. */
export type Unavailability = 'no-answer' | 'busy';

/** Node's socket errors: refused, reset ("socket hang up"), broken pipe, timed out, unreachable, DNS. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** KMS saying it cannot serve now (its 5xx statuses are caught by isServerError/isTransientError too). */
const KMS_UNAVAILABLE = new Set(['KMSInternalException', 'DependencyTimeoutException', 'KeyUnavailableException']);
/** Cancellation reasons of a DynamoDB transaction that a retry can clear. */
const TRANSIENT_CANCELLATIONS = new Set(['ThrottlingError', 'TransactionConflict', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
}

function noAnswer(error: SdkLikeError, depth = 0): boolean {
  if (error.name === 'TimeoutError' || (error.code !== undefined && NETWORK_CODES.has(error.code))) return true;
  if (error.message === 'socket hang up') return true;
  const cause = error.cause;
  return depth < 5 && typeof cause === 'object' && cause !== null && noAnswer(cause as SdkLikeError, depth + 1);
}

/** How a dependency failed, or `undefined` when the failure is not the dependency's being unavailable. */
export function unavailability(error: unknown): Unavailability | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkLikeError;
  if (e.name === 'AbortError') return undefined;
  if (noAnswer(e)) return 'no-answer';
  if (isThrottlingError(e as never) || KMS_UNAVAILABLE.has(e.name ?? '')) return 'busy';
  if (e.name === 'TransactionCanceledException') {
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
    return codes.length > 0 && codes.every((c) => TRANSIENT_CANCELLATIONS.has(c)) ? 'busy' : undefined;
  }
  // 5xx from the service, and the SDK's other transient errors, once its own retries are spent.
  if (e.$metadata !== undefined && (isTransientError(e as never) || isServerError(e as never))) return 'busy';
  return undefined;
}

/** Seconds a client should wait: a store that did not answer gets longer than a busy one. */
export const RETRY_AFTER_SECONDS: Readonly<Record<Unavailability, number>> = { 'no-answer': 2, busy: 1 };

/**
 * The 503 for a dependency's failure, or `undefined` if `error` is something else.
 *
 * @example
 * catch (error) { throw asServiceUnavailable(error, 'database') ?? error; }
 */
export function asServiceUnavailable(error: unknown, dependency: Dependency = 'dependency'): ServiceUnavailableError | undefined {
  const kind = unavailability(error);
  if (!kind) return undefined;
  const message = kind === 'no-answer' ? `The ${dependency} did not answer` : `The ${dependency} is busy or failing`;
  return new ServiceUnavailableError(message, { cause: error, retryAfterSeconds: RETRY_AFTER_SECONDS[kind] });
}
