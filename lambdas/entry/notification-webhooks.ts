/**
 * Lambda entry for the scheduled webhook job `{"task":"webhooks"}` (every minute): posts each webhook agency's new
 * notifications, signed, to its URL (docs/protocol.md "Webhooks"). Logs codes and counts only.
 */
import { deliverWebhooks } from '../domain/notifications/webhooks';
import { logger } from '../shared/logger';
import { runtimeFromEnvironment } from './environment';

const runtime = runtimeFromEnvironment();

export const handler = async (_event: { task?: 'webhooks' }): Promise<void> => {
  const runs = await deliverWebhooks(runtime.notifications.webhooks);
  const failed = runs.filter((r) => r.outcome === 'failed');
  logger.info('webhooks run', {
    agencies: runs.length,
    delivered: runs.reduce((sum, r) => sum + r.delivered, 0),
    failed: failed.map((r) => ({ agencyId: r.agencyId, failures: r.failures })),
  });
};
