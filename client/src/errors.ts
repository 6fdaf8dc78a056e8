/** The client's errors: each sets `name` and a stable `code` a caller can switch on, and passes its `cause`. */

/** The error body every hub route answers with (docs/protocol.md, "Errors"). */
export interface HubErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly message_zh: string;
    readonly requestId: string;
    readonly details?: readonly { readonly path?: string; readonly message: string; readonly message_zh?: string }[];
  };
}

/** The hub answered, but not with success: its status and its stable error `code` (AUTH_REPLAY, VALIDATION_FAILED, ...). */
export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The message for agency staff, in Chinese. */
    readonly messageZh: string | undefined,
    /** The hub's request id, for a support call. */
    readonly requestId: string | undefined,
    readonly details: HubErrorBody['error']['details'],
    /** The answer's body as received. */
    readonly body: unknown,
  ) {
    super(message);
  }

  /** The error for an answer that is not a success; `code` is `HTTP_<status>` when the body is not the hub's error body. */
  static of(status: number, body: unknown): HubError {
    const error = (body as Partial<HubErrorBody> | null)?.error;
    if (error && typeof error.code === 'string') {
      return new HubError(status, error.code, error.message ?? error.code, error.message_zh, error.requestId, error.details, body);
    }
    return new HubError(status, `HTTP_${status}`, `The hub answered HTTP ${status}`, undefined, undefined, undefined, body);
  }
}

/**
 * No answer in time. `ATTEMPT_TIMEOUT`: the last attempt got no answer within `attemptTimeoutMs` (earlier ones, if the
 * request was safe to send again, were retried). `DEADLINE_EXCEEDED`: the call's overall `deadlineMs` ran out.
 */
export class HubTimeoutError extends Error {
  override readonly name = 'HubTimeoutError';
  constructor(
    readonly code: 'ATTEMPT_TIMEOUT' | 'DEADLINE_EXCEEDED',
    readonly afterMs: number,
    options?: { cause?: unknown },
  ) {
    super(code === 'ATTEMPT_TIMEOUT' ? `No answer from the hub within ${afterMs} ms` : `The call's deadline of ${afterMs} ms passed`, options);
  }
}
