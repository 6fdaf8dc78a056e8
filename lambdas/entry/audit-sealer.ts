/** Lambda entry for the audit sealer: a scheduled signed digest of every chain head. */
import { sealDigest } from '../domain/audit/seal';
import { logger } from '../shared/logger';
import { runtimeFromEnvironment } from './environment';

const runtime = runtimeFromEnvironment();

export const handler = async (): Promise<void> => {
  const digest = await sealDigest(runtime.officers);
  logger.info('audit digest sealed', { digestId: digest.digestId, at: digest.at });
};
