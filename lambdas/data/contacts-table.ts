/** Follow-up contacts in the care table: `CASE#<caseId>` / `CONTACT#<contactedAt>#<contactId>`, immutable. */
import type { FollowUpContact, IdempotencyClaim } from '../../schemas/entities/care';
import { type CareTable, caseKey, entityOf } from './care-table';
import { plainToItem, S } from './dynamo';

export class ContactsTable {
  constructor(private readonly care: CareTable) {}

  create(contact: FollowUpContact, claim: IdempotencyClaim) {
    return this.care.createWithClaim(claim, [
      { ...plainToItem({ ...contact }), pk: caseKey(contact.caseId), sk: S(`CONTACT#${contact.contactedAt}#${contact.contactId}`) },
    ]);
  }

  async forCase(caseId: string): Promise<FollowUpContact[]> {
    return (await this.care.caseItems(caseId, 'CONTACT#')).map((i) => entityOf<FollowUpContact>(i)).reverse();
  }
}
