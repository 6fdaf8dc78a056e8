/**
 * Key-recipient episodes in the care table: `CASE#<caseId>` / `EPISODE#<episodeId>`, and the case's current status
 * on its `STATE` item (`keyRecipient`). Enrolment and exit change both in one transaction, conditional on the
 * status they read: at most one active episode per case, whatever races. An active episode is also filed in the
 * byAgency index under `KEYREC#active` (by enrolment time), so the province's active key recipients are one Query
 * (care metrics) and never a Scan; the exit takes it out of that listing in the same transaction.
 */
import { GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { IdempotencyClaim, KeyRecipientEpisode, KeyRecipientStatus } from '../../schemas/entities/care';
import { type CareTable, caseKey, entityOf } from './care-table';
import { guard, isLostRace, itemToPlain, mapDynamoError, plainToItem, queryAll, S } from './dynamo';

const stateKey = (caseId: string) => ({ pk: caseKey(caseId), sk: S('STATE') });
const episodeKey = (caseId: string, episodeId: string) => ({ pk: caseKey(caseId), sk: S(`EPISODE#${episodeId}`) });
const ACTIVE_LISTING = 'KEYREC#active';

export class KeyRecipientsTable {
  constructor(private readonly care: CareTable) {}

  async status(caseId: string): Promise<KeyRecipientStatus> {
    const out = await guard(
      this.care.client.send(
        new GetItemCommand({ TableName: this.care.tableName, Key: stateKey(caseId), ConsistentRead: true, ProjectionExpression: 'keyRecipient' }),
      ),
    );
    const m = out.Item?.keyRecipient?.M;
    return m ? (itemToPlain(m) as unknown as KeyRecipientStatus) : { status: 'never' };
  }

  async episodes(caseId: string): Promise<KeyRecipientEpisode[]> {
    return (await this.care.caseItems(caseId, 'EPISODE#')).map((i) => entityOf<KeyRecipientEpisode>(i));
  }

  /** Every active episode of the province (one Query on the byAgency index, paged through). */
  async active(): Promise<KeyRecipientEpisode[]> {
    const items = await queryAll(this.care.client, {
      TableName: this.care.tableName,
      IndexName: 'byAgency',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': S(ACTIVE_LISTING) },
    });
    return items.map((i) => entityOf<KeyRecipientEpisode>(i)).filter((e) => e.status === 'active');
  }

  /** Opens an episode unless one is active (`taken`); with an earlier claim of this key, writes nothing and returns it. */
  async enrol(
    episode: KeyRecipientEpisode,
    claim: IdempotencyClaim,
  ): Promise<{ created: true } | { created: false; earlier: IdempotencyClaim } | { created: false; taken: true }> {
    const status: KeyRecipientStatus = { status: 'active', since: episode.enrolledAt, reasons: episode.reasons, episodeId: episode.episodeId };
    try {
      await this.care.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.care.tableName,
                Key: stateKey(episode.caseId),
                UpdateExpression: 'SET keyRecipient = :k',
                ConditionExpression: 'attribute_not_exists(keyRecipient) OR keyRecipient.#s <> :active',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':k': { M: plainToItem({ ...status }) }, ':active': S('active') },
              },
            },
            {
              Put: {
                TableName: this.care.tableName,
                Item: {
                  ...plainToItem({ ...episode }),
                  ...episodeKey(episode.caseId, episode.episodeId),
                  gsi1pk: S(ACTIVE_LISTING),
                  gsi1sk: S(`${episode.enrolledAt}#${episode.episodeId}`),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.care.tableName,
                Item: { ...plainToItem({ ...claim }), pk: S(`IDEM#${claim.agencyId}#${claim.key}`), sk: S('IDEM') },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isLostRace(error)) throw mapDynamoError(error);
      const earlier = await this.care.claim(claim.agencyId, claim.key);
      return earlier ? { created: false, earlier } : { created: false, taken: true };
    }
  }

  /** Ends the active episode; false when it is not the active one any more. */
  async exit(caseId: string, episodeId: string, exited: { at: string; by: string; reason: string }): Promise<boolean> {
    const status: KeyRecipientStatus = { status: 'exited', since: exited.at };
    try {
      await this.care.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.care.tableName,
                Key: stateKey(caseId),
                UpdateExpression: 'SET keyRecipient = :k',
                ConditionExpression: 'keyRecipient.#s = :active AND keyRecipient.episodeId = :e',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':k': { M: plainToItem({ ...status }) }, ':active': S('active'), ':e': S(episodeId) },
              },
            },
            {
              Update: {
                TableName: this.care.tableName,
                Key: episodeKey(caseId, episodeId),
                UpdateExpression: 'SET #s = :exited, exitedAt = :at, exitedBy = :by, exitReason = :r REMOVE gsi1pk, gsi1sk',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':exited': S('exited'), ':at': S(exited.at), ':by': S(exited.by), ':r': S(exited.reason) },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw mapDynamoError(error);
    }
  }
}
