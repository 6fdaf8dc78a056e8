/**
 * The seals table: the head of each audit hash chain, the signed digests (kept
 * without expiry) and the verification checkpoints. Implements the audit
 * domain's SealStore port (lambdas/domain/audit/ports.ts).
 */
import { GetItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ChainHead, Digest, VerifiedCheckpoint } from '../../schemas/entities/audit';
import { CHAIN_COUNT } from '../crypto/hash-chain';
import { guard, num, queryPages, S, str, type Item } from './dynamo';

export const sealKeys = {
  head: (chain: number) => ({ pk: S(`HEAD#${chain}`), sk: S('HEAD') }),
  digest: (at: string, id: string) => ({ pk: S('DIGEST'), sk: S(`${at}#${id}`) }),
  checkpoint: (verifiedAt: string) => ({ pk: S('VERIFIED'), sk: S(verifiedAt) }),
};

/** How many chain heads are read at once (all of them: one round trip). */
const HEAD_READS = CHAIN_COUNT;

export class SealsTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async head(chain: number): Promise<ChainHead | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: sealKeys.head(chain), ConsistentRead: true })));
    return out.Item ? { seq: num(out.Item, 'seq'), hash: str(out.Item, 'hash') } : undefined;
  }

  async heads(): Promise<Map<number, ChainHead>> {
    const heads = new Map<number, ChainHead>();
    for (let first = 0; first < CHAIN_COUNT; first += HEAD_READS) {
      const chains = Array.from({ length: Math.min(HEAD_READS, CHAIN_COUNT - first) }, (_, i) => first + i);
      const read = await Promise.all(chains.map((c) => this.head(c)));
      for (const [i, h] of read.entries()) if (h) heads.set(chains[i]!, h);
    }
    return heads;
  }

  async putDigest(d: Digest): Promise<void> {
    await this.putNew({ ...sealKeys.digest(d.at, d.digestId), body: S(JSON.stringify(d)) });
  }

  async digest(at: string, digestId: string): Promise<Digest | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: sealKeys.digest(at, digestId), ConsistentRead: true })));
    return out.Item ? (JSON.parse(str(out.Item, 'body')) as Digest) : undefined;
  }

  async latestDigest(): Promise<Digest | undefined> {
    const [item] = await this.newest('DIGEST');
    return item ? (JSON.parse(str(item, 'body')) as Digest) : undefined;
  }

  async *digestsAfter(after?: { at: string; digestId: string }): AsyncIterable<Digest[]> {
    const pages = queryPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': S('DIGEST'), ...(after && { ':after': S(`${after.at}#${after.digestId}`) }) },
      ConsistentRead: true,
      Limit: 100,
    });
    for await (const page of pages) yield page.map((i) => JSON.parse(str(i, 'body')) as Digest);
  }

  async latestCheckpoint(): Promise<VerifiedCheckpoint | undefined> {
    const [item] = await this.newest('VERIFIED');
    return item ? (JSON.parse(str(item, 'body')) as VerifiedCheckpoint) : undefined;
  }

  async putCheckpoint(c: VerifiedCheckpoint): Promise<void> {
    await this.putNew({ ...sealKeys.checkpoint(c.verifiedAt), body: S(JSON.stringify(c)) });
  }

  private async newest(pk: string): Promise<Item[]> {
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': S(pk) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    return out.Items ?? [];
  }

  private async putNew(item: Item): Promise<void> {
    await guard(this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
  }
}
