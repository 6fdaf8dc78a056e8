/** Lambda entry for the scheduled care job `{"task":"overdue"}`: finds overdue work and notifies, once a day per item. */
import { runOverdueJob } from '../domain/care/overdue';
import { logger } from '../shared/logger';
import { emitOverdueMetrics } from '../shared/metrics';
import { runtimeFromEnvironment } from './environment';

const runtime = runtimeFromEnvironment();

export const handler = async (_event: { task?: 'overdue' }): Promise<void> => {
  const run = await runOverdueJob(runtime.care);
  emitOverdueMetrics(runtime.province, run);
  logger.info('overdue work evaluated', { total: run.total, byKind: run.byKind, notified: run.notified });
};
