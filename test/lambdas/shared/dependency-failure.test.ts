import { createServer as createTcpServer, type Server } from 'node:net';
import {
  DynamoDBClient,
  InternalServerError,
  ListTablesCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asServiceUnavailable, unavailability } from '../../../lambdas/shared/dependency-failure';
import { AuditUnavailableError, ServiceUnavailableError, ValidationError } from '../../../lambdas/shared/errors';
import { sdkClient } from '../../../lambdas/shared/sdk-clients';
import { errorResponse, toHubError } from '../../../lambdas/middleware/error-mapper';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const awsError = (name: string, httpStatusCode: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...meta(httpStatusCode), ...extra });

/** Real failures of a real SDK client against servers on 127.0.0.1 that never answer, hang up, or are gone. */
async function realFailure(behaviour: 'silent' | 'hang-up' | 'refused'): Promise<unknown> {
  let server: Server | undefined;
  let port = 1;
  if (behaviour !== 'refused') {
    server = createTcpServer((socket) => (behaviour === 'hang-up' ? socket.destroy() : undefined));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  } else {
    const probe = createTcpServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
  }
  const client = sdkClient(
    (config) =>
      new DynamoDBClient({
        ...config,
        endpoint: `http://127.0.0.1:${port}`,
        region: 'cn-northwest-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
    'dynamodb',
    { connectionTimeoutMs: 300, silenceMs: 300, requestTimeoutMs: 1_000, maxAttempts: 1 },
  );
  try {
    return await client.send(new ListTablesCommand({})).then(
      () => 'answered',
      (error: unknown) => error,
    );
  } finally {
    client.destroy();
    server?.close();
  }
}

describe('dependency failures', () => {
  const real: Record<string, unknown> = {};
  beforeAll(async () => {
    real.silent = await realFailure('silent');
    real.hangUp = await realFailure('hang-up');
    real.refused = await realFailure('refused');
  });
  afterAll(() => undefined);

  it.each([
    ['a store that accepts and never answers (TimeoutError)', 'silent'],
    ['a connection reset ("socket hang up")', 'hangUp'],
    ['a refused connection (ECONNREFUSED)', 'refused'],
  ])('classifies %s from the real SDK client as no answer', (_label, key) => {
    expect(real[key]).not.toBe('answered');
    expect(unavailability(real[key])).toBe('no-answer');
  });

  it.each([
    ['DynamoDB throttling', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } })],
    ['a DynamoDB 500', new InternalServerError({ message: 'oops', $metadata: { httpStatusCode: 500 } })],
    ['KMS internal failure', awsError('KMSInternalException', 500)],
    ['KMS key unavailable', awsError('KeyUnavailableException', 500)],
    ['KMS dependency timeout', awsError('DependencyTimeoutException', 503)],
    ['KMS throttling', awsError('ThrottlingException', 400)],
    ['SQS 503', awsError('ServiceUnavailable', 503)],
    [
      'a transaction cancelled for throttling',
      awsError('TransactionCanceledException', 400, { CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }] }),
    ],
  ])('classifies %s as busy', (_label, error) => {
    expect(unavailability(error)).toBe('busy');
  });

  it.each([
    ['a missing table', new ResourceNotFoundException({ message: 'no table', $metadata: { httpStatusCode: 400 } })],
    ['a validation error from the service', awsError('ValidationException', 400)],
    ['a denied KMS call', awsError('AccessDeniedException', 400)],
    ['a failed condition in a transaction', awsError('TransactionCanceledException', 400, { CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] })],
    ['a bug (TypeError)', new TypeError("Cannot read properties of undefined (reading 'S')")],
    ['an aborted call', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['not an error at all', 'boom'],
  ])('leaves %s alone (a bug or a configuration fault: 500)', (_label, error) => {
    expect(unavailability(error)).toBeUndefined();
    expect(asServiceUnavailable(error)).toBeUndefined();
  });

  it('answers a store that did not answer with 503 SERVICE_UNAVAILABLE, Retry-After and a generic bilingual body', () => {
    const res = errorResponse(toHubError(real.silent), 'req-1');
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('2');
    expect(JSON.parse(res.body as string)).toEqual({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Service temporarily unavailable; retry later',
        message_zh: '服务暂时不可用，请稍后重试',
        requestId: 'req-1',
      },
    });
  });

  it('answers a busy store with Retry-After 1, and a true bug with a generic 500 INTERNAL', () => {
    const busy = errorResponse(toHubError(awsError('ThrottlingException', 400)), 'r');
    expect([busy.statusCode, busy.headers?.['retry-after']]).toEqual([503, '1']);
    const bug = errorResponse(toHubError(new TypeError('x is undefined')), 'r');
    expect(bug.statusCode).toBe(500);
    expect(bug.headers?.['retry-after']).toBeUndefined();
    expect(JSON.parse(bug.body as string).error).toMatchObject({ code: 'INTERNAL', message: 'Internal error', message_zh: '服务内部错误' });
  });

  it('keeps errors the hub already classified as they are', () => {
    const validation = new ValidationError([{ path: 'x', message: 'bad' }]);
    expect(toHubError(validation)).toBe(validation);
    expect(errorResponse(new AuditUnavailableError(), 'r').headers?.['retry-after']).toBe('1');
    expect(asServiceUnavailable(real.refused, 'database')).toBeInstanceOf(ServiceUnavailableError);
  });
});
