/** Service agreements in the care table: `CASE#<caseId>` / `AGREEMENT#<agreementId>`, immutable. */
import type { IdempotencyClaim, StoredAgreement } from '../../schemas/entities/care';
import { type CareTable, caseKey, entityOf } from './care-table';
import { plainToItem, S } from './dynamo';

export class AgreementsTable {
  constructor(private readonly care: CareTable) {}

  create(agreement: StoredAgreement, claim: IdempotencyClaim) {
    return this.care.createWithClaim(claim, [{ ...plainToItem({ ...agreement }), pk: caseKey(agreement.caseId), sk: S(`AGREEMENT#${agreement.agreementId}`) }]);
  }

  async forCase(caseId: string): Promise<StoredAgreement[]> {
    const items = (await this.care.caseItems(caseId, 'AGREEMENT#')).map((i) => entityOf<StoredAgreement>(i));
    return items.sort((a, b) => (a.agreedAt < b.agreedAt ? 1 : a.agreedAt > b.agreedAt ? -1 : 0));
  }
}
