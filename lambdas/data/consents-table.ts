/**
 * Consents and emergency grants, stored in the cases table beside their case:
 * - consent    `CASE#<caseId>` / `CONSENT#<consentId>`: immutable; the grantor and evidence reference sealed;
 * - withdrawal `CASE#<caseId>` / `CONSENTW#<consentId>`: written once, when and by whom;
 * - confirmation `CASE#<caseId>` / `CONSENTC#<consentId>#<agencyId>`: a holder confirmed it covers its records
 *   (`withdrawnAt` once it took that back; a new confirmation replaces it);
 * - emergency  `CASE#<caseId>` / `EMERG#<openedAt>#<grantId>`: kept forever (the access report needs it);
 * - pointer    `CONSENTID#<consentId>` / `PTR`: consent id -> case id.
 * One query on the case partition reads them all, on every request (no cache).
 */
import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toMember } from './cases-table';
import type { CaseMember } from '../../schemas/entities/cases';
import { guard, isConditionFailure, type Item, mapDynamoError, queryAll, S, str, optStr } from './dynamo';
import type { Confirmation, EmergencyGrant, StoredConsent, StoredEmergency } from '../../schemas/entities/consents';

const confirmationKey = (caseId: string, consentId: string, agencyId: string) => ({ pk: S(`CASE#${caseId}`), sk: S(`CONSENTC#${consentId}#${agencyId}`) });

const L = (values: readonly string[]) => ({ L: values.map((v) => S(v)) });
const list = (item: Item, name: string) => (item[name]?.L ?? []).map((v) => v.S ?? '');

function consentItem(c: StoredConsent): Item {
  return {
    pk: S(`CASE#${c.caseId}`),
    sk: S(`CONSENT#${c.consentId}`),
    consentId: S(c.consentId),
    caseId: S(c.caseId),
    grantorType: S(c.grantorType),
    purposes: L(c.purposes),
    dataCategories: L(c.dataCategories),
    recipients: S(JSON.stringify(c.recipients)),
    validFrom: S(c.validFrom),
    validUntil: S(c.validUntil),
    evidenceSha256: S(c.evidenceSha256),
    recordedBy: S(c.recordedBy),
    recordedAt: S(c.recordedAt),
    sealed: S(c.sealed),
  };
}

export class ConsentsTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** Stores a new consent and its id pointer; false when this consent id exists already (a retried request). */
  async put(consent: StoredConsent): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: consentItem(consent), ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: S(`CONSENTID#${consent.consentId}`), sk: S('PTR'), caseId: S(consent.caseId) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  /** One consent of a case, with its withdrawal and confirmations. */
  async get(caseId: string, consentId: string): Promise<StoredConsent | undefined> {
    return (await this.forCase(caseId)).consents.find((c) => c.consentId === consentId);
  }

  /** Records (or renews, after it was taken back) one holder's confirmation; false when it is already in force. */
  async confirm(caseId: string, consentId: string, agencyId: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...confirmationKey(caseId, consentId, agencyId), consentId: S(consentId), agencyId: S(agencyId), confirmedAt: S(at) },
          ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(withdrawnAt)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  /** Takes one holder's confirmation back: `absent` when it never confirmed, `already` when it was taken back before. */
  async withdrawConfirmation(caseId: string, consentId: string, agencyId: string, at: string, attempt = 1): Promise<'withdrawn' | 'already' | 'absent'> {
    const key = confirmationKey(caseId, consentId, agencyId);
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })));
    if (!out.Item) return 'absent';
    if (out.Item.withdrawnAt) return 'already';
    try {
      // Conditional on the confirmation read above, so a renewal in between is never lost.
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...out.Item, withdrawnAt: S(at) },
          ConditionExpression: 'confirmedAt = :c AND attribute_not_exists(withdrawnAt)',
          ExpressionAttributeValues: { ':c': S(str(out.Item, 'confirmedAt')) },
        }),
      );
      return 'withdrawn';
    } catch (error) {
      // Renewed or withdrawn concurrently: read it again (at most twice more).
      if (isConditionFailure(error) && attempt < 3) return this.withdrawConfirmation(caseId, consentId, agencyId, at, attempt + 1);
      throw mapDynamoError(error);
    }
  }

  async caseOf(consentId: string): Promise<string | undefined> {
    const out = await guard(
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: S(`CONSENTID#${consentId}`), sk: S('PTR') }, ConsistentRead: true })),
    );
    return out.Item ? str(out.Item, 'caseId') : undefined;
  }

  /** Records a withdrawal once; false when it was already withdrawn. */
  async withdraw(caseId: string, consentId: string, at: string, by: string, sealedReason?: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: S(`CASE#${caseId}`),
            sk: S(`CONSENTW#${consentId}`),
            withdrawnAt: S(at),
            withdrawnBy: S(by),
            ...(sealedReason && { sealedReason: S(sealedReason) }),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  async putEmergency(e: StoredEmergency): Promise<void> {
    await guard(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: S(`CASE#${e.caseId}`),
            sk: S(`EMERG#${e.openedAt}#${e.grantId}`),
            grantId: S(e.grantId),
            caseId: S(e.caseId),
            agencyId: S(e.agencyId),
            openedAt: S(e.openedAt),
            expiresAt: S(e.expiresAt),
            sealedReason: S(e.sealedReason),
          },
        }),
      ),
    );
  }

  /** Every consent (with its withdrawal, if any) and every emergency grant of a case, read consistently. */
  async forCase(caseId: string): Promise<{ consents: StoredConsent[]; emergencies: EmergencyGrant[] }> {
    return this.#parse(await this.#query(caseId, 'CONSENT#', 'EMERG#~'));
  }

  /** Members, consents and emergency grants of a case in one partition read (for the ledger). */
  async bundle(caseId: string): Promise<{ members: CaseMember[]; consents: StoredConsent[]; emergencies: EmergencyGrant[] }> {
    const items = await this.#query(caseId, 'CONSENT#', 'MEM#~');
    return { ...this.#parse(items), members: items.filter((i) => str(i, 'sk').startsWith('MEM#')).map(toMember) };
  }

  #query(caseId: string, from: string, to: string): Promise<Item[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': S(`CASE#${caseId}`), ':from': S(from), ':to': S(to) },
      ConsistentRead: true,
    });
  }

  #parse(items: Item[]): { consents: StoredConsent[]; emergencies: EmergencyGrant[] } {
    const confirmations = new Map<string, Confirmation[]>();
    for (const i of items.filter((x) => str(x, 'sk').startsWith('CONSENTC#'))) {
      const c: Confirmation = {
        agencyId: str(i, 'agencyId'),
        confirmedAt: str(i, 'confirmedAt'),
        ...(optStr(i, 'withdrawnAt') && { withdrawnAt: optStr(i, 'withdrawnAt') }),
      };
      confirmations.set(str(i, 'consentId'), [...(confirmations.get(str(i, 'consentId')) ?? []), c]);
    }
    const withdrawals = new Map(
      items
        .filter((i) => str(i, 'sk').startsWith('CONSENTW#'))
        .map((i) => [str(i, 'sk').slice('CONSENTW#'.length), { at: str(i, 'withdrawnAt'), by: str(i, 'withdrawnBy') }]),
    );
    const consents = items
      .filter((i) => str(i, 'sk').startsWith('CONSENT#'))
      .map((i): StoredConsent => {
        const w = withdrawals.get(str(i, 'consentId'));
        return {
          consentId: str(i, 'consentId'),
          caseId: str(i, 'caseId'),
          grantorType: str(i, 'grantorType') as StoredConsent['grantorType'],
          purposes: list(i, 'purposes') as StoredConsent['purposes'],
          dataCategories: list(i, 'dataCategories') as StoredConsent['dataCategories'],
          recipients: JSON.parse(str(i, 'recipients')) as StoredConsent['recipients'],
          validFrom: str(i, 'validFrom'),
          validUntil: str(i, 'validUntil'),
          evidenceSha256: str(i, 'evidenceSha256'),
          recordedBy: str(i, 'recordedBy'),
          recordedAt: str(i, 'recordedAt'),
          sealed: optStr(i, 'sealed') ?? '',
          ...(w && { withdrawnAt: w.at, withdrawnBy: w.by }),
          confirmations: confirmations.get(str(i, 'consentId')) ?? [],
        };
      });
    const emergencies = items
      .filter((i) => str(i, 'sk').startsWith('EMERG#'))
      .map((i) => ({
        grantId: str(i, 'grantId'),
        caseId: str(i, 'caseId'),
        agencyId: str(i, 'agencyId'),
        openedAt: str(i, 'openedAt'),
        expiresAt: str(i, 'expiresAt'),
      }));
    return { consents, emergencies };
  }
}
