/**
 * Lambda entry for the scheduled audit jobs: `{"task":"seal"}` seals a signed
 * digest of every chain head; `{"task":"alerts"}` evaluates the alert thresholds.
 */
import { runAlerts, sealDigest } from '../domain/audit/seal';
import { logger } from '../shared/logger';
import { runtimeFromEnvironment } from './environment';

const runtime = runtimeFromEnvironment();

export const handler = async (event: { task?: 'seal' | 'alerts' }): Promise<void> => {
  if (event.task === 'alerts') {
    const { events, notifications, thresholds } = runtime.officers;
    const alerts = await runAlerts({ events, notifications, thresholds });
    logger.info('audit alerts evaluated', { alerts: alerts.length });
    return;
  }
  const digest = await sealDigest(runtime.officers);
  logger.info('audit digest sealed', { digestId: digest.digestId, at: digest.at });
};
