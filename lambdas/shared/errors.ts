/**
 * Every error the hub can answer with. Each class has a stable `code` that
 * agency systems can switch on, an HTTP status, and a message in Chinese and
 * English. `toHttpBody` in ../middleware/error-mapper.ts is the one place an
 * error becomes an HTTP response; 5xx errors never expose their details.
 */

export type ErrorCode =
  | 'AUTH_MISSING'
  | 'AUTH_MALFORMED'
  | 'AUTH_UNSUPPORTED_ALG'
  | 'AUTH_UNKNOWN_KEY'
  | 'AUTH_KEY_REVOKED'
  | 'AUTH_AGENCY_SUSPENDED'
  | 'AUTH_BAD_SIGNATURE'
  | 'AUTH_EXPIRED'
  | 'AUTH_NOT_YET_VALID'
  | 'AUTH_LIFETIME_TOO_LONG'
  | 'AUTH_BINDING_MISMATCH'
  | 'AUTH_REPLAY'
  | 'VALIDATION_FAILED'
  | 'PATH_MALFORMED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'STATE_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'REFERRAL_NEEDS_AGREEMENT'
  | 'PURPOSE_NOT_ESTABLISHED'
  | 'SERVICE_UNAVAILABLE'
  | 'DECRYPTION_FAILED'
  | 'AUDIT_UNAVAILABLE'
  | 'INTERNAL';

export interface ErrorDetail {
  path?: string;
  message: string;
  /** The same in Chinese, where the schema gives it (and for a missing required field). */
  message_zh?: string;
}

/** Base class: a failure with a stable code, an HTTP status and bilingual messages. */
export abstract class HubError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly statusCode: number;
  /** Message for agency staff, in Chinese. */
  abstract readonly messageZh: string;
  readonly details?: ErrorDetail[];

  constructor(message: string, options?: { cause?: unknown; details?: ErrorDetail[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.details) this.details = options.details;
  }

  /** Whether the message may reach a client: only for 4xx, as in middy's `expose`. */
  get expose(): boolean {
    return this.statusCode < 500;
  }
}

/** Authentication failures: the request could not be tied to a registered agency key. */
export abstract class AuthError extends HubError {
  readonly statusCode: number = 401;
}

/** No `Authorization: Bearer` header. */
export class AuthMissingError extends AuthError {
  readonly code = 'AUTH_MISSING';
  readonly messageZh = '缺少签名凭证（Authorization: Bearer）';
  constructor() {
    super('Authorization: Bearer <signed request token> is required');
  }
}

/** The token is not a well-formed compact JWS with the required header and claims. */
export class AuthMalformedError extends AuthError {
  readonly code = 'AUTH_MALFORMED';
  readonly messageZh = '签名凭证格式错误';
  constructor(message = 'The request token is not a well-formed compact JWS', details?: ErrorDetail[]) {
    super(message, details ? { details } : undefined);
  }
}

/** `alg` is not EdDSA or ES256, or does not fit the registered key. */
export class AuthUnsupportedAlgError extends AuthError {
  readonly code = 'AUTH_UNSUPPORTED_ALG';
  readonly messageZh = '不支持的签名算法（仅支持 EdDSA、ES256）';
  constructor() {
    super('Only EdDSA and ES256 are accepted, matching the registered key');
  }
}

/** No registered key has this `kid`. */
export class AuthUnknownKeyError extends AuthError {
  readonly code = 'AUTH_UNKNOWN_KEY';
  readonly messageZh = '未登记的密钥编号（kid）';
  constructor() {
    super('The key id (kid) is not registered with this hub');
  }
}

/** The key was revoked by the province. */
export class AuthKeyRevokedError extends AuthError {
  readonly code = 'AUTH_KEY_REVOKED';
  readonly messageZh = '该密钥已被吊销';
  constructor() {
    super('The key has been revoked');
  }
}

/** The agency system is suspended. */
export class AuthAgencySuspendedError extends AuthError {
  override readonly statusCode = 403;
  readonly code = 'AUTH_AGENCY_SUSPENDED';
  readonly messageZh = '该机构系统已被暂停接入';
  constructor() {
    super('The agency system is suspended');
  }
}

/** The signature does not verify with the registered key. */
export class AuthBadSignatureError extends AuthError {
  readonly code = 'AUTH_BAD_SIGNATURE';
  readonly messageZh = '签名验证失败';
  constructor() {
    super('The signature does not verify');
  }
}

/** `exp` has passed (beyond the allowed clock skew). */
export class AuthExpiredError extends AuthError {
  readonly code = 'AUTH_EXPIRED';
  readonly messageZh = '签名凭证已过期';
  constructor() {
    super('The request token has expired');
  }
}

/** `iat` is in the future beyond the allowed clock skew. */
export class AuthNotYetValidError extends AuthError {
  readonly code = 'AUTH_NOT_YET_VALID';
  readonly messageZh = '签名凭证签发时间晚于当前时间，请校准时钟';
  constructor() {
    super('The request token is issued in the future; check the clock');
  }
}

/** `exp - iat` exceeds 300 seconds. */
export class AuthLifetimeTooLongError extends AuthError {
  readonly code = 'AUTH_LIFETIME_TOO_LONG';
  readonly messageZh = '签名凭证有效期超过 300 秒';
  constructor() {
    super('exp must be at most 300 seconds after iat');
  }
}

/** A claim that binds the token to this request or hub does not match. */
export class AuthBindingMismatchError extends AuthError {
  readonly code = 'AUTH_BINDING_MISMATCH';
  readonly messageZh = '签名凭证与本次请求不符';
  constructor(readonly claim: 'typ' | 'aud' | 'iss' | 'htm' | 'htu' | 'bsh') {
    super(`The ${claim} of the request token does not match this request`, {
      details: [{ path: claim, message: 'does not match' }],
    });
  }
}

/** The `jti` was already used within its lifetime. */
export class AuthReplayError extends AuthError {
  readonly code = 'AUTH_REPLAY';
  readonly messageZh = '重复的请求（jti 已使用）';
  constructor() {
    super('The request token id (jti) has already been used');
  }
}

/** The request does not match its schema. */
export class ValidationError extends HubError {
  readonly code = 'VALIDATION_FAILED';
  readonly statusCode = 400;
  readonly messageZh: string;
  constructor(details: ErrorDetail[], message = 'The request does not match the schema', messageZh = '请求内容校验失败') {
    super(message, { details });
    this.messageZh = messageZh;
  }
}

/** A path segment's percent-encoding is malformed (`%ZZ`, a lone `%`, bytes that are not UTF-8). */
export class PathMalformedError extends HubError {
  readonly code = 'PATH_MALFORMED';
  readonly statusCode = 400;
  readonly messageZh = '请求路径的百分号编码无效';
  constructor() {
    super('The request path has malformed percent-encoding');
  }
}

/** The body is not JSON. */
export class UnsupportedMediaTypeError extends HubError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly statusCode = 415;
  readonly messageZh = '请求内容类型必须为 application/json';
  constructor() {
    super('Content-Type must be application/json');
  }
}

/** The body exceeds the size limit; raised before any crypto or database work. */
export class PayloadTooLargeError extends HubError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly statusCode = 413;
  readonly messageZh = '请求内容过大';
  constructor(limitBytes: number) {
    super(`The request body exceeds ${limitBytes} bytes`);
  }
}

/** Nothing here for this caller; also answered for other agencies' records so existence does not leak. */
export class NotFoundError extends HubError {
  readonly code = 'NOT_FOUND';
  readonly statusCode = 404;
  readonly messageZh = '未找到';
  constructor(message = 'Not found') {
    super(message);
  }
}

/** The caller's role may not use this route (e.g. only the coordinating agency reviews links). */
export class ForbiddenError extends HubError {
  readonly code = 'FORBIDDEN';
  readonly statusCode = 403;
  readonly messageZh: string;
  constructor(message: string, messageZh: string) {
    super(message);
    this.messageZh = messageZh;
  }
}

/** The request contradicts the current state (a review already decided, a case already merged). */
export class StateConflictError extends HubError {
  readonly code = 'STATE_CONFLICT';
  readonly statusCode = 409;
  readonly messageZh: string;
  constructor(message: string, messageZh: string) {
    super(message);
    this.messageZh = messageZh;
  }
}

/** An `Idempotency-Key` this agency used before, now with another request body (or on another route). */
export class IdempotencyKeyReusedError extends HubError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly statusCode = 422;
  readonly messageZh = '该幂等键已用于另一请求；每次新建请使用新的幂等键';
  constructor() {
    super('This Idempotency-Key was used before for another request; use a new key for each create');
  }
}

/** A referral without the guardian's agreement to follow-up services in force (a crisis referral under emergency access excepted). */
export class ReferralNeedsAgreementError extends HubError {
  readonly code = 'REFERRAL_NEEDS_AGREEMENT';
  readonly statusCode = 409;
  readonly messageZh = '监护人尚未同意接受跟进服务，不能转介（紧急访问期间的危机转介除外）';
  constructor() {
    super("No referral without the guardian's agreement to follow-up services in force (except a stat referral under open emergency access)");
  }
}

/** The declared purpose is not established by the care the reader takes part in (docs/consent.md). */
export class PurposeNotEstablishedError extends HubError {
  readonly code = 'PURPOSE_NOT_ESTABLISHED';
  readonly statusCode = 403;
  readonly messageZh: string;
  constructor(message: string, messageZh: string) {
    super(message);
    this.messageZh = messageZh;
  }
}

/** Concurrent updates kept colliding; the client may retry the same request. */
export class ConflictError extends HubError {
  readonly code = 'CONFLICT';
  readonly statusCode = 409;
  readonly messageZh = '并发更新冲突，请重试';
  constructor() {
    super('The record was changed concurrently; retry the request');
  }
}

/** A dependency (key service, database, queue) is throttling, failing or not answering; safe to retry with a new token. */
export class ServiceUnavailableError extends HubError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly statusCode = 503;
  readonly messageZh = '服务暂时不可用，请稍后重试';
  /** The `Retry-After` the client gets, in seconds. */
  readonly retryAfterSeconds: number;
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 1;
  }
}

/** Any failure to decrypt, whatever its cause: tag, ciphertext, AAD, key or context. */
export class DecryptionFailedError extends HubError {
  readonly code = 'DECRYPTION_FAILED';
  readonly statusCode = 500;
  readonly messageZh = '服务内部错误';
  constructor(options?: { cause?: unknown }) {
    super('Decryption failed', options);
  }
}

/** The audit event could not be written, so the request is refused. */
export class AuditUnavailableError extends HubError {
  readonly code = 'AUDIT_UNAVAILABLE';
  readonly statusCode = 503;
  readonly messageZh = '服务暂时不可用，请稍后重试';
  readonly retryAfterSeconds = 1;
  constructor(options?: { cause?: unknown }) {
    super('The audit trail is unavailable', options);
  }
}

/** An unexpected failure; details stay in the logs. */
export class InternalError extends HubError {
  readonly code = 'INTERNAL';
  readonly statusCode = 500;
  readonly messageZh = '服务内部错误';
  constructor(options?: { cause?: unknown }) {
    super('Internal error', options);
  }
}
