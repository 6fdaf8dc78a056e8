/**
 * The publish path on DynamoDB Local with the real SDK client and real tables,
 * without HTTP: for linking tests that count, fail or lose DynamoDB calls.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { BlindIndexer } from '../../lambdas/crypto/blind-index';
import { FieldCipher } from '../../lambdas/crypto/field-cipher';
import { generateLocalKeyMaterial, LocalKeyring } from '../../lambdas/crypto/local-keyring';
import { CasesTable } from '../../lambdas/data/cases-table';
import { LinkingTable } from '../../lambdas/data/linking-table';
import { RecordsTable, recordKeys } from '../../lambdas/data/records-table';
import { localTableNames, type TableNames } from '../../lambdas/data/tables';
import { blindBlockingKeys } from '../../lambdas/domain/cases/link-record';
import { DEFAULT_MODEL } from '../../lambdas/domain/matching/default-model';
import { type Publisher, publishRecord, type PublishResult, type RecordsDeps } from '../../lambdas/domain/records/records-service';
import { localDynamoClient } from '../../local/dynamodb-local';
import { ensureTables } from '../../local/tables';
import { type ChildRecordV1, childRecordV1 } from '../../schemas/child-record';
import { idNumberFor } from './records';

export type FaultMode = 'fail' | 'lose-reply';

/** Counts DynamoDB calls (before the SDK's own retries) and fails the Nth one, or applies it and loses its reply. */
export interface FaultInjector {
  reset(): void;
  count(): number;
  nameOf(n: number): string;
  failAt(n: number, mode: FaultMode): void;
}

export function injectFaults(client: DynamoDBClient): FaultInjector {
  let names: string[] = [];
  let target: { n: number; mode: FaultMode } | undefined;
  const lost = () => Object.assign(new Error('injected: connection reset'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: {} });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(context.commandName ?? 'unknown');
      if (target?.n !== names.length) return next(args);
      if (target.mode === 'fail') throw lost();
      await next(args);
      throw lost();
    },
    { step: 'initialize', name: 'injectFaults' },
  );
  return {
    reset: () => {
      names = [];
      target = undefined;
    },
    count: () => names.length,
    nameOf: (n) => names[n - 1] ?? '?',
    failAt: (n, mode) => {
      names = [];
      target = { n, mode };
    },
  };
}

const SURNAMES = ['格桑', '次仁', '扎西', '德吉', '尼玛', '达瓦', '平措', '旺姆'];
const GIVEN = ['曲珍', '卓嘎', '拉姆', '央金', '措姆', '白玛', '益西', '顿珠'];

/** One child (identity fixed by `trial`, distinct across trials) as an agency records it. */
export function sameChild(trial: number, overrides: Record<string, unknown> = {}): ChildRecordV1 {
  const t = trial;
  const birthDate = `20${10 + (t % 8)}-${String(1 + (t % 12)).padStart(2, '0')}-${String(1 + (t % 28)).padStart(2, '0')}`;
  return childRecordV1.parse({
    externalId: `X-${t}`,
    name: `${SURNAMES[t % SURNAMES.length]}${GIVEN[Math.floor(t / SURNAMES.length) % GIVEN.length]}`,
    sex: 'F',
    birthDate,
    idNumber: idNumberFor('540221', birthDate, 100 + (t % 800)),
    householdRegion: '540221',
    guardian: { name: '巴桑次仁', phone: `139${String(t).padStart(8, '0')}`, relation: 'father' },
    school: '南木林县第一小学',
    categories: ['left_behind'],
    ...overrides,
  });
}

export interface LinkingHarness {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  readonly deps: RecordsDeps;
  readonly faults: FaultInjector;
  /** The cases table, for what the linking deps do not read (review items). */
  readonly cases: CasesTable;
  nextTrial(): number;
  /** The same child (identity fixed by `trial`) as one agency records it. */
  child(trial: number, overrides?: Record<string, unknown>): ChildRecordV1;
  publish(publisher: Publisher, record: ChildRecordV1): Promise<PublishResult>;
  /** What the tables hold about one agency's record. */
  inspect(publisher: Publisher, record: ChildRecordV1): Promise<{ memberships: string[]; headCaseId?: string; missingBlockKeys: string[] }>;
  /** The records filed under a child's identity-number key (one per agency that published it, once linked). */
  filedUnderId(record: ChildRecordV1): Promise<string[]>;
  close(): void;
}

export async function createLinkingHarness(name: string, options: { claimLeaseMs?: number; filingCap?: number } = {}): Promise<LinkingHarness> {
  const client = localDynamoClient(inject('dynamoEndpoint'));
  const tables = localTableNames('540000', `${name}${randomUUID().slice(0, 8)}`);
  await ensureTables(client, tables);
  const faults = injectFaults(client);
  const keyring = new LocalKeyring(generateLocalKeyMaterial());
  const records = new RecordsTable(client, tables.records);
  const cases = new CasesTable(client, tables.cases);
  const deps: RecordsDeps = {
    province: '540000',
    records,
    cases,
    linking: new LinkingTable(client, tables.records, tables.cases, tables.notifications),
    cipher: new FieldCipher(keyring),
    index: new BlindIndexer(keyring, '540000'),
    model: DEFAULT_MODEL,
    claimLeaseMs: options.claimLeaseMs ?? 2_000,
    ...(options.filingCap !== undefined && { filingCap: options.filingCap }),
  };
  let trial = 0;
  const scanAll = async (table: string, filter: string, values: Record<string, { S: string }>) => {
    const items: Record<string, { S?: string }>[] = [];
    let start: Record<string, never> | undefined;
    do {
      const out = await client.send(
        new ScanCommand({ TableName: table, FilterExpression: filter, ExpressionAttributeValues: values, ExclusiveStartKey: start }),
      );
      items.push(...((out.Items ?? []) as typeof items));
      start = out.LastEvaluatedKey as typeof start;
    } while (start);
    return items;
  };
  return {
    client,
    tables,
    deps,
    faults,
    cases,
    nextTrial: () => ++trial,
    child: sameChild,
    publish: (publisher, record) => publishRecord(deps, publisher, record),
    inspect: async (publisher, record) => {
      const externalIndex = await deps.index.compute('external-id', publisher.agencyId, record.externalId);
      const recordId = await records.findByExternal(externalIndex);
      if (!recordId) return { memberships: [], missingBlockKeys: [] };
      const head = await records.getHead(recordId);
      const members = await scanAll(tables.cases, 'sk = :m', { ':m': { S: `MEM#${recordId}` } });
      const keys = await blindBlockingKeys(deps, { ...publisher, record });
      const missing: string[] = [];
      for (const key of keys) {
        const out = await client.send(new GetItemCommand({ TableName: tables.records, Key: recordKeys.block(key), ConsistentRead: true }));
        if (!out.Item?.ids?.SS?.includes(recordId) || !head?.blockKeys?.includes(key)) missing.push(key);
      }
      return {
        memberships: members.map((m) => m.caseId!.S!),
        ...(head?.caseId && { headCaseId: head.caseId }),
        missingBlockKeys: missing,
      };
    },
    filedUnderId: async (record) => [...(await records.blocks([await deps.index.compute('blocking', `id:${record.idNumber}`)], 50))[0]!.ids],
    close: () => client.destroy(),
  };
}
