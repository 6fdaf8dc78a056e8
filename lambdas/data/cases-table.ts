/**
 * The cases table (个案同案). Item kinds (keys built by `caseKeys`):
 * - meta    `CASE#<caseId>` / `META`: the ledger row (codes only: categories, risk level,
 *           agency types and since when, county codes), status, member count;
 * - member  `CASE#<caseId>` / `MEM#<recordId>`: one record in the case, with its codes;
 * - history `CASE#<caseId>` / `EVT#<time>#<id>`: created, linked, merged, split;
 * - review  `REVIEW#<reviewId>` / `REVIEW`: a candidate pair waiting for the coordinating role.
 * GSI byKind: `LEDGER` or `REVIEW#<status>`, sorted by time. No names, numbers or notes are stored
 * here: free-text reasons are sealed.
 */
import { GetItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { indexCursor } from './cursor';
import { guard, isConditionFailure, type Item, N, num, optStr, queryAll, S, str } from './dynamo';
import type { CaseEvent, CaseMember, LedgerRow, ReviewItem } from '../../schemas/entities/cases';
import type { Page } from '../../schemas/entities/page';

export const caseKeys = {
  meta: (caseId: string) => ({ pk: S(`CASE#${caseId}`), sk: S('META') }),
  member: (caseId: string, recordId: string) => ({ pk: S(`CASE#${caseId}`), sk: S(`MEM#${recordId}`) }),
  event: (caseId: string, at: string, id: string) => ({ pk: S(`CASE#${caseId}`), sk: S(`EVT#${at}#${id}`) }),
  review: (reviewId: string) => ({ pk: S(`REVIEW#${reviewId}`), sk: S('REVIEW') }),
};

const optSS = (values: readonly string[]) => (values.length > 0 ? { SS: [...new Set(values)] } : undefined);

export function memberItem(m: CaseMember): Item {
  const item: Item = {
    ...caseKeys.member(m.caseId, m.recordId),
    caseId: S(m.caseId),
    recordId: S(m.recordId),
    agencyId: S(m.agencyId),
    agencyType: S(m.agencyType),
    joinedAt: S(m.joinedAt),
    how: S(m.how),
  };
  const categories = optSS(m.categories);
  const regions = optSS(m.regions);
  if (categories) item.categories = categories;
  if (regions) item.regions = regions;
  if (m.riskLevel) item.riskLevel = S(m.riskLevel);
  return item;
}

export function toMember(item: Item): CaseMember {
  const risk = optStr(item, 'riskLevel');
  return {
    caseId: str(item, 'caseId'),
    recordId: str(item, 'recordId'),
    agencyId: str(item, 'agencyId'),
    agencyType: str(item, 'agencyType'),
    joinedAt: str(item, 'joinedAt'),
    how: str(item, 'how'),
    categories: item.categories?.SS ?? [],
    regions: item.regions?.SS ?? [],
    ...(risk && { riskLevel: risk }),
  };
}

export function ledgerItem(row: LedgerRow): Item {
  const item: Item = {
    ...caseKeys.meta(row.caseId),
    gsi1pk: S(row.status === 'open' ? 'LEDGER' : 'LEDGER#merged'),
    gsi1sk: S(`${row.createdAt}#${row.caseId}`),
    caseId: S(row.caseId),
    status: S(row.status),
    createdAt: S(row.createdAt),
    updatedAt: S(row.updatedAt),
    memberCount: N(row.memberCount),
    agencyTypes: { M: Object.fromEntries(Object.entries(row.agencyTypes).map(([k, v]) => [k, S(v)])) },
  };
  const categories = optSS(row.categories);
  const regions = optSS(row.regions);
  if (categories) item.categories = categories;
  if (regions) item.regions = regions;
  if (row.highestRisk) item.highestRisk = S(row.highestRisk);
  if (row.mergedInto) item.mergedInto = S(row.mergedInto);
  return item;
}

export function toLedgerRow(item: Item): LedgerRow {
  const risk = optStr(item, 'highestRisk');
  const mergedInto = optStr(item, 'mergedInto');
  return {
    caseId: str(item, 'caseId'),
    status: str(item, 'status') as LedgerRow['status'],
    createdAt: str(item, 'createdAt'),
    updatedAt: str(item, 'updatedAt'),
    memberCount: num(item, 'memberCount'),
    categories: item.categories?.SS ?? [],
    regions: item.regions?.SS ?? [],
    agencyTypes: Object.fromEntries(Object.entries(item.agencyTypes?.M ?? {}).map(([k, v]) => [k, v.S ?? ''])),
    ...(risk && { highestRisk: risk }),
    ...(mergedInto && { mergedInto }),
  };
}

export function eventItem(e: CaseEvent, id: string): Item {
  const item: Item = { ...caseKeys.event(e.caseId, e.at, id), caseId: S(e.caseId), at: S(e.at), type: S(e.type) };
  const records = optSS(e.recordIds);
  if (records) item.recordIds = records;
  if (e.otherCaseId) item.otherCaseId = S(e.otherCaseId);
  if (e.byAgency) item.byAgency = S(e.byAgency);
  if (e.sealedReason) item.sealedReason = S(e.sealedReason);
  if (e.reviewId) item.reviewId = S(e.reviewId);
  return item;
}

function toEvent(item: Item): CaseEvent {
  return {
    caseId: str(item, 'caseId'),
    at: str(item, 'at'),
    type: str(item, 'type') as CaseEvent['type'],
    recordIds: item.recordIds?.SS ?? [],
    ...(optStr(item, 'otherCaseId') && { otherCaseId: optStr(item, 'otherCaseId') }),
    ...(optStr(item, 'byAgency') && { byAgency: optStr(item, 'byAgency') }),
    ...(optStr(item, 'sealedReason') && { sealedReason: optStr(item, 'sealedReason') }),
    ...(optStr(item, 'reviewId') && { reviewId: optStr(item, 'reviewId') }),
  };
}

export function reviewItem(r: ReviewItem): Item {
  const item: Item = {
    ...caseKeys.review(r.reviewId),
    gsi1pk: S(`REVIEW#${r.status}`),
    gsi1sk: S(`${r.createdAt}#${r.reviewId}`),
    reviewId: S(r.reviewId),
    status: S(r.status),
    createdAt: S(r.createdAt),
    recordId: S(r.recordId),
    caseId: S(r.caseId),
    candidateRecordId: S(r.candidateRecordId),
    candidateCaseId: S(r.candidateCaseId),
    weight: N(r.weight),
    levels: { L: r.levels.map((l) => N(l)) },
    explanation: S(r.explanation),
    modelVersion: S(r.modelVersion),
  };
  if (r.cause) item.cause = S(r.cause);
  if (r.decidedAt) item.decidedAt = S(r.decidedAt);
  if (r.decidedBy) item.decidedBy = S(r.decidedBy);
  if (r.sealedReason) item.sealedReason = S(r.sealedReason);
  return item;
}

function toReview(item: Item): ReviewItem {
  return {
    reviewId: str(item, 'reviewId'),
    status: str(item, 'status') as ReviewItem['status'],
    createdAt: str(item, 'createdAt'),
    recordId: str(item, 'recordId'),
    caseId: str(item, 'caseId'),
    candidateRecordId: str(item, 'candidateRecordId'),
    candidateCaseId: str(item, 'candidateCaseId'),
    weight: num(item, 'weight'),
    levels: (item.levels?.L ?? []).map((v) => Number(v.N)),
    explanation: str(item, 'explanation'),
    modelVersion: str(item, 'modelVersion'),
    ...(optStr(item, 'cause') && { cause: optStr(item, 'cause') as ReviewItem['cause'] }),
    ...(optStr(item, 'decidedAt') && { decidedAt: optStr(item, 'decidedAt') }),
    ...(optStr(item, 'decidedBy') && { decidedBy: optStr(item, 'decidedBy') }),
    ...(optStr(item, 'sealedReason') && { sealedReason: optStr(item, 'sealedReason') }),
  };
}

/** Index sort keys of the byKind listings: `<ISO time>#<case or review id>`. */
const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z#((?:case|rev)_[0-9A-HJKMNP-TV-Z]{26})$/;

/** Paging of a byKind listing: the cursor is the last item's index sort key; its table key follows from the id in it. */
function byKindCursor(kind: string) {
  return indexCursor({
    partition: { gsi1pk: kind },
    sortKey: 'gsi1sk',
    tableKeyAt: (sort) => {
      const id = POSITION.exec(sort)?.[1];
      if (id?.startsWith('case_') && kind.startsWith('LEDGER')) return caseKeys.meta(id);
      if (id?.startsWith('rev_') && kind.startsWith('REVIEW#')) return caseKeys.review(id);
      return undefined;
    },
  });
}

export class CasesTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async members(caseId: string): Promise<CaseMember[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
      ExpressionAttributeValues: { ':pk': S(`CASE#${caseId}`), ':m': S('MEM#') },
      ConsistentRead: true,
    });
    return items.map(toMember);
  }

  /** Every event, paged through: the child's file is decided from the history (a split on a later page must count). */
  async history(caseId: string): Promise<CaseEvent[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': S(`CASE#${caseId}`), ':e': S('EVT#') },
      ConsistentRead: true,
    });
    return items.map(toEvent);
  }

  async ledgerRow(caseId: string): Promise<LedgerRow | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: caseKeys.meta(caseId), ConsistentRead: true })));
    return out.Item ? toLedgerRow(out.Item) : undefined;
  }

  /**
   * The ledger row and the members in one strongly consistent query, newest key first: the row (`META`) is
   * read before the members (`MEM#…`), so a member that joined after the row was read comes with a
   * newer row next time, and a change conditioned on the row's `updatedAt` cannot miss it.
   */
  async snapshot(caseId: string): Promise<{ row?: LedgerRow; members: CaseMember[] }> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk >= :m',
      ExpressionAttributeValues: { ':pk': S(`CASE#${caseId}`), ':m': S('MEM#') },
      ScanIndexForward: false,
      ConsistentRead: true,
    });
    const meta = items.find((i) => i.sk?.S === 'META');
    const members = items.filter((i) => i.sk?.S?.startsWith('MEM#')).map(toMember);
    return { ...(meta && { row: toLedgerRow(meta) }), members };
  }

  async ledger(options: { status?: 'open' | 'merged'; limit: number; cursor?: string }): Promise<Page<LedgerRow>> {
    const kind = options.status === 'merged' ? 'LEDGER#merged' : 'LEDGER';
    const paging = byKindCursor(kind);
    const start = paging.decode(options.cursor);
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byKind',
          KeyConditionExpression: 'gsi1pk = :k',
          ExpressionAttributeValues: { ':k': S(kind) },
          Limit: options.limit,
          ExclusiveStartKey: start,
        }),
      ),
    );
    const cursor = paging.encode(out.LastEvaluatedKey);
    // The index projects keys only: read each row (consistent) from the table.
    const rows = await Promise.all((out.Items ?? []).map((i) => this.ledgerRow(str(i, 'pk').slice('CASE#'.length))));
    return { items: rows.filter((r): r is LedgerRow => r !== undefined), ...(cursor && { cursor }) };
  }

  async review(reviewId: string): Promise<ReviewItem | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: caseKeys.review(reviewId), ConsistentRead: true })));
    return out.Item ? toReview(out.Item) : undefined;
  }

  /** Records a decision once: false when the review was already decided. */
  async decideReview(review: ReviewItem): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: reviewItem(review),
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pending': S('pending') },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async reviews(options: { status: ReviewItem['status']; limit: number; cursor?: string }): Promise<Page<ReviewItem>> {
    const paging = byKindCursor(`REVIEW#${options.status}`);
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byKind',
          KeyConditionExpression: 'gsi1pk = :k',
          ExpressionAttributeValues: { ':k': S(`REVIEW#${options.status}`) },
          Limit: options.limit,
          ExclusiveStartKey: paging.decode(options.cursor),
        }),
      ),
    );
    // KEYS_ONLY index: the id is in the table key.
    const reviews = await Promise.all((out.Items ?? []).map((i) => this.review(str(i, 'pk').slice('REVIEW#'.length))));
    const cursor = paging.encode(out.LastEvaluatedKey);
    return { items: reviews.filter((r): r is ReviewItem => r !== undefined), ...(cursor && { cursor }) };
  }
}
