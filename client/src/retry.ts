/** When to try a request again, and how long to wait first (docs/protocol.md, "Retries"). Pure functions. */

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 3. */
  readonly attempts: number;
  /** The first backoff step in ms; step n is `baseDelayMs * 2^(n-1)`, with full jitter. Default 500. */
  readonly baseDelayMs: number;
  /**
   * The longest wait between two attempts, in ms. Default 10,000. An answer whose `Retry-After` asks for longer is
   * returned as it is rather than retried early.
   */
  readonly maxDelayMs: number;
  /** Told before each retry (for logs and tests). */
  readonly onRetry?: (retry: { attempt: number; status?: number; code?: string; delayMs: number }) => void | Promise<void>;
  /** How to wait (default: a timer, cut short by the call's signal); a test may record the waits instead. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 10_000 };

/** Routes whose POST can be sent again without doing anything twice (idempotent on (agency, externalId) and on the list's bytes). */
const IDEMPOTENT_POSTS = new Set(['/v1/records', '/v1/lists']);

/** Creates that take an `Idempotency-Key` (lambdas/http/idempotency.ts): the client sends one key on every attempt of one call. */
const KEYED_CREATES = [
  /^\/v1\/cases\/[^/]+\/(agreements|assessments|key-recipient|care-team|care-plans|contacts)$/,
  /^\/v1\/cases\/[^/]+\/care-plans\/[^/]+\/versions$/,
  /^\/v1\/referrals$/,
];

export function takesIdempotencyKey(method: string, pathWithQuery: string): boolean {
  const path = pathWithQuery.split('?')[0]!;
  return method.toUpperCase() === 'POST' && KEYED_CREATES.some((re) => re.test(path));
}

export function isIdempotent(method: string, pathWithQuery: string): boolean {
  const path = pathWithQuery.split('?')[0]!;
  return method.toUpperCase() === 'GET' || (method.toUpperCase() === 'POST' && IDEMPOTENT_POSTS.has(path)) || takesIdempotencyKey(method, pathWithQuery);
}

/** Whether an answer says "try again later": 429 and 503 (any code), or 409 CONFLICT (not STATE_CONFLICT). */
export function isRetryableAnswer(status: number, body: unknown): boolean {
  if (status === 429 || status === 503) return true;
  return status === 409 && (body as { error?: { code?: string } } | null)?.error?.code === 'CONFLICT';
}

/**
 * `Retry-After` in ms from `now`: delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`); a date in
 * the past is 0. Undefined when absent or not one of the two forms.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // IMF-fixdate and the two obsolete forms RFC 9110 still accepts all carry a weekday name and letters; a bare number never parses here.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before attempt `attempt + 1`: exponential backoff with full jitter; with `Retry-After`, that long plus a
 * jitter of up to one base step, never sooner.
 * Undefined when `Retry-After` asks for more than `maxDelayMs` (the caller returns the answer instead).
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfter: number | undefined, random: () => number = Math.random): number | undefined {
  const backoff = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (retryAfter === undefined) return backoff;
  if (retryAfter > policy.maxDelayMs) return undefined;
  // Clients told the same Retry-After spread over up to one base step after it, so they do not come back at once.
  return Math.min(policy.maxDelayMs, retryAfter + random() * policy.baseDelayMs);
}
