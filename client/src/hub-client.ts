/**
 * A small HTTP client for agency systems: signs every request, parses JSON
 * answers, and retries what is safe to retry (docs/protocol.md, "Retries").
 */
import { randomUUID } from 'node:crypto';
import { type AgencyCredentials, signRequest } from './sign-request.js';

export interface HubResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text itself for other types (CSV exports). */
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
}

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 3. */
  readonly attempts: number;
  /** Longest wait between two attempts, whatever Retry-After says, in ms. Default 10,000. */
  readonly maxDelayMs: number;
  /** Told before each retry (for logs and tests). */
  readonly onRetry?: (retry: { attempt: number; status?: number; code?: string; delayMs: number }) => void | Promise<void>;
}

export interface CallOptions {
  readonly sub?: string;
  readonly purpose?: string;
  readonly headers?: Record<string, string>;
  /**
   * Whether to retry 503, 409 CONFLICT and lost connections. Default: only for idempotent requests
   * (GET, and POST /v1/records and POST /v1/lists, idempotent on (agency, externalId) and on the list's bytes).
   */
  readonly retry?: boolean;
  /** The body exactly as sent (bytes: a CSV's BOM kept), whatever its media type; for a caller that saves or relays it. */
  readonly bytes?: boolean;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, maxDelayMs: 10_000 };

/** Routes whose POST can be sent again without doing anything twice. */
const IDEMPOTENT_POSTS = new Set(['/v1/records', '/v1/lists']);

/** Creates that take an `Idempotency-Key` (docs/protocol.md): the client sends one key on every attempt of one call. */
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

/** Whether an answer says "try again later": 503 (any code), or 409 CONFLICT (not STATE_CONFLICT). */
function retryable(status: number, body: unknown): boolean {
  if (status === 503) return true;
  return status === 409 && (body as { error?: { code?: string } } | null)?.error?.code === 'CONFLICT';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const hub = new HubClient({ baseUrl, hubId: 'xinqiao-540000', credentials });
 * const { status, body } = await hub.post('/v1/records', record);
 */
export class HubClient {
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
  async request<T = unknown>(method: string, pathWithQuery: string, body?: string, call: CallOptions = {}): Promise<HubResponse<T>> {
    const policy = { ...DEFAULT_RETRY, ...this.options.retry };
    const attempts = (call.retry ?? isIdempotent(method, pathWithQuery)) ? Math.max(1, policy.attempts) : 1;
    // One key for every attempt of this call, unless the caller brought its own (e.g. kept across a restart).
    const given = Object.keys(call.headers ?? {}).some((h) => h.toLowerCase() === 'idempotency-key');
    if (takesIdempotencyKey(method, pathWithQuery) && !given) call = { ...call, headers: { ...call.headers, 'idempotency-key': randomUUID() } };
    for (let attempt = 1; ; attempt++) {
      let res: HubResponse<T>;
      try {
        res = await this.#send<T>(method, pathWithQuery, body, call);
      } catch (error) {
        // No answer at all (refused, reset): the request may or may not have been applied, so only idempotent requests go again.
        if (attempt >= attempts) throw error;
        const delayMs = Math.min(policy.maxDelayMs, 500 * 2 ** (attempt - 1)) + Math.random() * 250;
        await policy.onRetry?.({ attempt, delayMs });
        await sleep(delayMs);
        continue;
      }
      if (attempt >= attempts || !retryable(res.status, res.body)) return res;
      const retryAfter = Number(res.headers.get('retry-after'));
      const delayMs = Math.min(policy.maxDelayMs, (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000) + Math.random() * 250;
      const code = (res.body as { error?: { code?: string } } | null)?.error?.code;
      await policy.onRetry?.({ attempt, status: res.status, ...(code && { code }), delayMs });
      await sleep(delayMs);
    }
  }

  async #send<T>(method: string, pathWithQuery: string, body: string | undefined, call: CallOptions): Promise<HubResponse<T>> {
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
      headers: {
        authorization,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...call.headers,
      },
      ...(body !== undefined && { body }),
    });
    const type = res.headers.get('content-type') ?? '';
    // A download that is neither JSON nor text (the case archive's zip) comes back as its bytes.
    if (call.bytes || (!type.includes('json') && !type.startsWith('text/') && type !== '')) {
      return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) as T };
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (type.includes('json') && text ? JSON.parse(text) : text) as T };
  }
}
