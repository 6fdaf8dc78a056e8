/** The `Idempotency-Key` header of a create request, and the SHA-256 of the exact body it came with. */
import { createHash } from 'node:crypto';
import { idempotencyKeyHeader } from '../../schemas/care';
import { ValidationError } from '../shared/errors';
import type { HttpEvent, HubContext } from './context';

export interface CreateRequestInfo {
  readonly route: string;
  readonly key: string;
  readonly requestHash: string;
}

/** Every create takes one: without it a lost reply could not be retried safely, so it is required. */
export function createRequestOf(event: HttpEvent, context: HubContext, route: string): CreateRequestInfo {
  const header = event.headers?.['idempotency-key'];
  const parsed = idempotencyKeyHeader.safeParse(header);
  if (!parsed.success) {
    throw new ValidationError(
      [
        header === undefined
          ? { path: 'Idempotency-Key', message: 'header required on every create', message_zh: '新建请求须带 Idempotency-Key 请求头' }
          : { path: 'Idempotency-Key', message: parsed.error.issues[0]!.message, message_zh: '幂等键须为 8 至 128 位字母、数字或 . _ : -' },
      ],
      'The Idempotency-Key header is missing or malformed',
      'Idempotency-Key 请求头缺失或格式错误',
    );
  }
  return { route, key: parsed.data, requestHash: createHash('sha256').update(context.hub.body).digest('hex') };
}
