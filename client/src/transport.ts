/**
 * The signing HTTP transport: every attempt signed anew, JSON answers parsed, what is safe to retry retried with
 * backoff (retry.ts), a timeout per attempt and an overall deadline. Answers are returned whatever their status;
 * the typed methods of HubClient (hub-client.ts) turn a failure into a HubError.
 */
import { randomUUID } from 'node:crypto';
import { HubTimeoutError } from './errors.js';
import { DEFAULT_RETRY, isIdempotent, isRetryableAnswer, type RetryPolicy, retryAfterMs, retryDelayMs, takesIdempotencyKey } from './retry.js';
import { type AgencyCredentials, signRequest } from './sign-request.js';

export interface HubResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text itself for other types (CSV exports), or bytes (a zip, or any body with `bytes`). */
  readonly body: T;
}

export interface HubClientOptions {
  /** e.g. `http://127.0.0.1:4000` or the stack's API URL. */
  readonly baseUrl: string;
  readonly hubId: string;
  readonly credentials: AgencyCredentials;
  /** Default staff member for `sub`. */
  readonly sub?: string;
  /** Retries of idempotent requests; `{ attempts: 1 }` turns them off. */
  readonly retry?: Partial<RetryPolicy>;
  /** How long one attempt may wait for its whole answer, in ms. Default 30,000. */
  readonly attemptTimeoutMs?: number;
  /** How long one call may take, all attempts and waits included, in ms. Default 120,000. */
  readonly deadlineMs?: number;
}

export interface CallOptions {
  readonly sub?: string;
  readonly purpose?: string;
  readonly headers?: Record<string, string>;
  /**
   * Whether to retry 429, 503, 409 CONFLICT, timeouts and lost connections. Default: only for idempotent requests
   * (GET; POST /v1/records and /v1/lists, idempotent on (agency, externalId) and on the list's bytes; creates with an
   * Idempotency-Key).
   */
  readonly retry?: boolean;
  /** The body exactly as sent (bytes: a CSV's BOM kept), whatever its media type; for a caller that saves or relays it. */
  readonly bytes?: boolean;
  /** The Idempotency-Key of a create; default a new one per call, the same on each of its attempts. Keep it to resend a call after a restart. */
  readonly idempotencyKey?: string;
  /** Cancels the call (its attempts and its waits); the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly attemptTimeoutMs?: number;
  readonly deadlineMs?: number;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;
const DEFAULT_DEADLINE_MS = 120_000;

const timerSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Header names in lower case, so a caller's `Content-Type` replaces the default rather than joining it. */
const lowerCased = (headers: Record<string, string> = {}) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * @example
 * const hub = new HubTransport({ baseUrl, hubId: 'xinqiao-540000', credentials });
 * const { status, body } = await hub.post('/v1/records', record);
 */
export class HubTransport {
  constructor(readonly options: HubClientOptions) {}

  get<T = unknown>(pathWithQuery: string, call?: CallOptions): Promise<HubResponse<T>> {
    return this.request<T>('GET', pathWithQuery, undefined, call);
  }

  post<T = unknown>(pathWithQuery: string, body: unknown, call?: CallOptions): Promise<HubResponse<T>> {
    return this.request<T>('POST', pathWithQuery, JSON.stringify(body), call);
  }

  /**
   * Sends exact body bytes (already serialised). Every attempt is signed anew: a token is single-use
   * (its `jti`), so a retry with the same token would be refused as a replay.
   */
  async request<T = unknown>(method: string, pathWithQuery: string, body?: string | Uint8Array, call: CallOptions = {}): Promise<HubResponse<T>> {
    const policy: RetryPolicy = { ...DEFAULT_RETRY, ...this.options.retry };
    const sleep = policy.sleep ?? timerSleep;
    const attempts = (call.retry ?? isIdempotent(method, pathWithQuery)) ? Math.max(1, policy.attempts) : 1;
    const attemptTimeoutMs = call.attemptTimeoutMs ?? this.options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    const deadlineMs = call.deadlineMs ?? this.options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const deadlineAt = Date.now() + deadlineMs;
    const deadline = AbortSignal.timeout(deadlineMs);
    const whole = call.signal ? AbortSignal.any([call.signal, deadline]) : deadline;
    // The caller's cancellation is theirs to explain; the deadline is ours.
    const stopped = (cause?: unknown) => (call.signal?.aborted ? call.signal.reason : new HubTimeoutError('DEADLINE_EXCEEDED', deadlineMs, { cause }));

    let headers = lowerCased(call.headers);
    // One key for every attempt of this call, unless the caller brought its own (e.g. kept across a restart).
    if (takesIdempotencyKey(method, pathWithQuery) && !headers['idempotency-key'])
      headers = { ...headers, 'idempotency-key': call.idempotencyKey ?? randomUUID() };

    for (let attempt = 1; ; attempt++) {
      if (whole.aborted) throw stopped();
      const attemptSignal = AbortSignal.any([whole, AbortSignal.timeout(attemptTimeoutMs)]);
      let res: HubResponse<T> | undefined;
      let failure: unknown;
      try {
        res = await this.#send<T>(method, pathWithQuery, body, call, headers, attemptSignal);
      } catch (error) {
        if (whole.aborted) throw stopped(error);
        // No answer at all (refused, reset, timed out): the request may or may not have been applied, so only idempotent requests go again.
        failure = attemptSignal.aborted ? new HubTimeoutError('ATTEMPT_TIMEOUT', attemptTimeoutMs, { cause: error }) : error;
      }
      if (res && (attempt >= attempts || !isRetryableAnswer(res.status, res.body))) return res;
      if (!res && attempt >= attempts) throw failure;
      const delayMs = retryDelayMs(policy, attempt, res && retryAfterMs(res.headers.get('retry-after'), Date.now()));
      // Told to wait longer than we may, or past the deadline: the answer (or the failure) is the result.
      if (delayMs === undefined || Date.now() + delayMs >= deadlineAt) {
        if (res) return res;
        throw failure;
      }
      const code = (res?.body as { error?: { code?: string } } | null | undefined)?.error?.code;
      await policy.onRetry?.({ attempt, ...(res && { status: res.status }), ...(code && { code }), delayMs });
      try {
        await sleep(delayMs, whole);
      } catch (error) {
        throw stopped(error);
      }
    }
  }

  async #send<T>(
    method: string,
    pathWithQuery: string,
    body: string | Uint8Array | undefined,
    call: CallOptions,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<HubResponse<T>> {
    const sub = call.sub ?? this.options.sub;
    const authorization = await signRequest(this.options.credentials, {
      hubId: this.options.hubId,
      method,
      pathWithQuery,
      ...(body !== undefined && { body }),
      ...(sub !== undefined && { sub }),
      ...(call.purpose !== undefined && { purpose: call.purpose }),
    });
    const res = await fetch(new URL(pathWithQuery, this.options.baseUrl), {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers, authorization },
      ...(body !== undefined && { body }),
      signal,
    });
    const type = res.headers.get('content-type') ?? '';
    // A download that is neither JSON nor text (the case archive's zip) comes back as its bytes.
    if (call.bytes || (!type.includes('json') && !type.startsWith('text/') && type !== '')) {
      return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) as T };
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (type.includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // A proxy's broken JSON is kept as the text it is (the status says what went wrong).
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
}
