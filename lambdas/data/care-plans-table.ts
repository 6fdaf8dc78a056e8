/** Care plans in the care table: `CASE#<caseId>` / `PLAN#<planId>#V#<version, 6 digits>`, each version immutable. */
import type { CarePlanVersion, IdempotencyClaim } from '../../schemas/entities/care';
import { type CareTable, caseKey, entityOf } from './care-table';
import { type Item, plainToItem, S } from './dynamo';

const itemOf = (plan: CarePlanVersion): Item => ({
  ...plainToItem({ ...plan }),
  pk: caseKey(plan.caseId),
  sk: S(`PLAN#${plan.planId}#V#${String(plan.version).padStart(6, '0')}`),
});

export class CarePlansTable {
  constructor(private readonly care: CareTable) {}

  create(plan: CarePlanVersion, claim: IdempotencyClaim) {
    return this.care.createWithClaim(claim, [itemOf(plan)]);
  }

  putVersion(plan: CarePlanVersion, claim: IdempotencyClaim) {
    return this.care.createWithClaim(claim, [itemOf(plan)]);
  }

  claimOf(agencyId: string, key: string) {
    return this.care.claim(agencyId, key);
  }

  async forCase(caseId: string): Promise<CarePlanVersion[]> {
    return (await this.care.caseItems(caseId, 'PLAN#')).map((i) => entityOf<CarePlanVersion>(i));
  }
}
