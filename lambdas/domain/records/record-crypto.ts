/** How child records are bound for encryption: the table context and the per-agency encryption context. */
import type { EncryptionContext } from '../../crypto/keyring';

export const RECORDS_TABLE_CONTEXT = 'records';

export function encryptionContext(province: string, agencyId: string): EncryptionContext {
  return { province, agency: agencyId, table: RECORDS_TABLE_CONTEXT };
}
