import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { headItem, recordKeys, RecordsTable } from '../../../lambdas/data/records-table';
import type { StoredRecord } from '../../../schemas/entities/records';
import { ServiceUnavailableError } from '../../../lambdas/shared/errors';

const ddb = mockClient(DynamoDBClient);
afterEach(() => ddb.reset());

const record: StoredRecord = {
  recordId: 'rec_A',
  agencyId: 'xz-education',
  version: 1,
  schemaVersion: 1,
  contentMac: 'mac',
  sealed: { edk: 'ZWRr', fields: { name: 'x1.abc' } },
  idNumberIndex: 'idx',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const table = () => new RecordsTable(new DynamoDBClient({ region: 'cn-northwest-1' }), 'records');

describe('records table', () => {
  it('builds keys as pure functions', () => {
    expect(recordKeys.head('rec_A')).toEqual({ pk: { S: 'REC#rec_A' }, sk: { S: 'HEAD' } });
    expect(recordKeys.version('rec_A', 12)).toEqual({ pk: { S: 'REC#rec_A' }, sk: { S: 'V#0000000012' } });
    expect(recordKeys.external('bi')).toEqual({ pk: { S: 'EXT#bi' }, sk: { S: 'EXT' } });
  });

  it('puts the identity-number blind index on the head item for the GSI', () => {
    expect(headItem(record)).toMatchObject({ gsi1pk: { S: 'IDN#idx' }, gsi1sk: { S: 'rec_A' }, enc: { M: { name: { S: 'x1.abc' } } } });
  });

  it('creates lookup, head and first version in one conditional transaction', async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    expect(await table().create(record, 'bi')).toBe('created');
    const items = ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => [i.Put!.Item!.pk!.S, i.Put!.Item!.sk!.S, i.Put!.ConditionExpression])).toEqual([
      ['EXT#bi', 'EXT', 'attribute_not_exists(pk)'],
      ['REC#rec_A', 'HEAD', 'attribute_not_exists(pk)'],
      ['REC#rec_A', 'V#0000000001', 'attribute_not_exists(pk)'],
    ]);
  });

  it('reports a lost creation race as exists', async () => {
    ddb
      .on(TransactWriteItemsCommand)
      .rejects(
        new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }),
      );
    expect(await table().create(record, 'bi')).toBe('exists');
  });

  it('conditions a new version on the expected current version and an unchanged link', async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    await table().appendVersion({ ...record, version: 3, caseId: 'case_A', linkedVersion: 2 }, 2);
    const head = ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems![0]!.Put!;
    expect(head).toMatchObject({
      ConditionExpression: 'version = :expected AND caseId = :case AND linkedVersion = :linked',
      ExpressionAttributeValues: { ':expected': { N: '2' }, ':case': { S: 'case_A' }, ':linked': { N: '2' } },
    });
  });

  it('reports a create that lost to a concurrent transaction as taken, not as an error', async () => {
    ddb
      .on(TransactWriteItemsCommand)
      .rejects(
        new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] }),
      );
    await expect(table().create(record, 'ext')).resolves.toBe('exists');
  });

  it('turns throttling that outlasted the SDK retries into a retryable 503', async () => {
    ddb.on(GetItemCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    ddb.on(TransactWriteItemsCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(table().getHead('rec_A')).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(table().create(record, 'bi')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('passes other failures through unchanged', async () => {
    const boom = Object.assign(new Error('bad'), { name: 'ValidationException' });
    ddb.on(GetItemCommand).rejects(boom);
    await expect(table().findByExternal('bi')).rejects.toBe(boom);
  });
});
