/** A small HTTP client for agency systems: signs every request and parses JSON answers. */
import { type AgencyCredentials, signRequest } from './sign-request';

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
}

export interface CallOptions {
  readonly sub?: string;
  readonly purpose?: string;
  readonly headers?: Record<string, string>;
}

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

  /** Sends exact body bytes (already serialised) with a fresh signature. */
  async request<T = unknown>(method: string, pathWithQuery: string, body?: string, call: CallOptions = {}): Promise<HubResponse<T>> {
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
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, headers: res.headers, body: (isJson && text ? JSON.parse(text) : text) as T };
  }
}
