import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsentsTable } from '../../../lambdas/data/consents-table';
import { NotificationsTable } from '../../../lambdas/data/notifications-table';
import { ServiceUnavailableError } from '../../../lambdas/shared/errors';

const ddb = mockClient(DynamoDBClient);
afterEach(() => ddb.reset());

const client = () => new DynamoDBClient({ region: 'cn-northwest-1' });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });
const confirmation = (extra: Record<string, { S: string }> = {}) => ({
  pk: { S: 'CASE#case_A' },
  sk: { S: 'CONSENTC#cns_A#xz-health' },
  consentId: { S: 'cns_A' },
  agencyId: { S: 'xz-health' },
  confirmedAt: { S: '2026-01-01T00:00:00.000Z' },
  ...extra,
});

describe('consents table: confirmations', () => {
  it('writes a confirmation unless one is in force, beside its consent in the case partition', async () => {
    ddb.on(PutItemCommand).resolves({});
    expect(await new ConsentsTable(client(), 'cases').confirm('case_A', 'cns_A', 'xz-health', '2026-01-02T00:00:00.000Z')).toBe(true);
    const input = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(input.Item).toMatchObject({ pk: { S: 'CASE#case_A' }, sk: { S: 'CONSENTC#cns_A#xz-health' }, confirmedAt: { S: '2026-01-02T00:00:00.000Z' } });
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk) OR attribute_exists(withdrawnAt)');
    ddb.on(PutItemCommand).rejects(conditionFailed());
    expect(await new ConsentsTable(client(), 'cases').confirm('case_A', 'cns_A', 'xz-health', '2026-01-03T00:00:00.000Z')).toBe(false);
  });

  it('takes a confirmation back conditionally on the one it read, and says when there was none or it was already taken back', async () => {
    const table = new ConsentsTable(client(), 'cases');
    ddb
      .on(GetItemCommand)
      .resolvesOnce({})
      .resolvesOnce({ Item: confirmation({ withdrawnAt: { S: 'x' } }) })
      .resolves({ Item: confirmation() });
    expect(await table.withdrawConfirmation('case_A', 'cns_A', 'xz-health', 'at')).toBe('absent');
    expect(await table.withdrawConfirmation('case_A', 'cns_A', 'xz-health', 'at')).toBe('already');
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).resolves({});
    expect(await table.withdrawConfirmation('case_A', 'cns_A', 'xz-health', '2026-01-05T00:00:00.000Z')).toBe('withdrawn');
    const puts = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(2); // a concurrent change: read again, then written
    expect(puts[1]!.ConditionExpression).toBe('confirmedAt = :c AND attribute_not_exists(withdrawnAt)');
    expect(puts[1]!.Item!.withdrawnAt).toEqual({ S: '2026-01-05T00:00:00.000Z' });
  });

  it('reads confirmations with their consent, and turns exhausted throttling into a retryable 503', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: { S: 'CASE#case_A' },
          sk: { S: 'CONSENT#cns_A' },
          consentId: { S: 'cns_A' },
          caseId: { S: 'case_A' },
          grantorType: { S: 'guardian' },
          purposes: { L: [{ S: 'assessment' }] },
          dataCategories: { L: [{ S: 'identity' }] },
          recipients: { S: '[{"agencyType":"education"}]' },
          validFrom: { S: 'a' },
          validUntil: { S: 'b' },
          evidenceSha256: { S: 'c' },
          recordedBy: { S: 'xz-education' },
          recordedAt: { S: 'd' },
          sealed: { S: '{}' },
        },
        confirmation({ withdrawnAt: { S: 'w' } }),
      ],
    });
    const { consents } = await new ConsentsTable(client(), 'cases').forCase('case_A');
    expect(consents[0]!.confirmations).toEqual([{ agencyId: 'xz-health', confirmedAt: '2026-01-01T00:00:00.000Z', withdrawnAt: 'w' }]);
    ddb.on(PutItemCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(new ConsentsTable(client(), 'cases').confirm('case_A', 'cns_A', 'xz-health', 'at')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('notifications table: keyed notifications', () => {
  it('derives the id from the key and writes it once', async () => {
    ddb.on(PutItemCommand).resolvesOnce({}).rejects(conditionFailed());
    const table = new NotificationsTable(client(), 'notes');
    const n = {
      recipient: 'xz-health',
      at: '2026-01-01T00:00:00.000Z',
      kind: 'consent_recorded' as const,
      caseId: 'case_A',
      consentId: 'cns_A',
      severity: 'info' as const,
    };
    await table.notify(n, 'consent_recorded#cns_A#xz-health');
    await table.notify(n, 'consent_recorded#cns_A#xz-health'); // the retry's duplicate is refused by the condition, silently
    const [first, second] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(first!.Item!.sk).toEqual(second!.Item!.sk);
    expect(first!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(first!.Item).toMatchObject({ consentId: { S: 'cns_A' }, kind: { S: 'consent_recorded' } });
    expect(first!.Item!.byAgency).toBeUndefined();
  });
});
