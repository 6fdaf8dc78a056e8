/**
 * Lambda entry for the scheduled care job `{"task":"overdue"}`: finds overdue work and notifies, once a day per
 * item (OverdueItems), then computes the care loop's province-wide figures (the care metrics) as EMF metrics.
 */
import { careFigures, median } from '../domain/care/care-metrics';
import { runOverdueJob } from '../domain/care/overdue';
import { logger } from '../shared/logger';
import { emitCareMetrics, emitOverdueMetrics } from '../shared/metrics';
import { runtimeFromEnvironment } from './environment';

const runtime = runtimeFromEnvironment();

export const handler = async (_event: { task?: 'overdue' }): Promise<void> => {
  const run = await runOverdueJob(runtime.care);
  emitOverdueMetrics(runtime.province, run);
  logger.info('overdue work evaluated', { total: run.total, byKind: run.byKind, notified: run.notified });
  const figures = await careFigures(runtime.care);
  const days = median(figures.firstContactDays);
  emitCareMetrics(runtime.province, { ...figures, ...(days !== undefined && { firstContactMedianDays: Math.round(days * 10) / 10 }) });
};
