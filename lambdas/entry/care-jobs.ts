/**
 * Lambda entry for the scheduled care job `{"task":"overdue"}`: first runs what follows each merge a crash left
 * pending (MergeFollowUps*), so that work moved by a merge is counted where it belongs; then finds overdue work and
 * notifies, once a day per item (OverdueItems), then computes the care loop's province-wide figures (the care
 * metrics) as EMF metrics. A sweep that cannot even list the pending follow-ups does not stop the rest; the run
 * fails at its end (the Lambda's Errors alarm), and the next run sweeps again.
 */
import { sweepMergeFollowUps } from '../domain/care/after-merge';
import { careFigures, median } from '../domain/care/care-metrics';
import { runOverdueJob } from '../domain/care/overdue';
import { logger } from '../shared/logger';
import { emitCareMetrics, emitMergeFollowUpMetrics, emitOverdueMetrics } from '../shared/metrics';
import { runtimeFromEnvironment } from './environment';

const runtime = runtimeFromEnvironment();

export const handler = async (_event: { task?: 'overdue' }): Promise<void> => {
  let sweepFailed: unknown;
  try {
    const sweep = await sweepMergeFollowUps(runtime.care);
    emitMergeFollowUpMetrics(runtime.province, sweep);
    logger.info('merge follow-ups swept', { pending: sweep.pending, completed: sweep.completed, closed: sweep.closed, failed: sweep.failed });
  } catch (error) {
    sweepFailed = error;
    logger.error('merge follow-ups could not be swept', { errorName: error instanceof Error ? error.name : typeof error });
  }
  const run = await runOverdueJob(runtime.care);
  emitOverdueMetrics(runtime.province, run);
  logger.info('overdue work evaluated', { total: run.total, byKind: run.byKind, notified: run.notified });
  const figures = await careFigures(runtime.care);
  const days = median(figures.firstContactDays);
  emitCareMetrics(runtime.province, { ...figures, ...(days !== undefined && { firstContactMedianDays: Math.round(days * 10) / 10 }) });
  if (sweepFailed) throw sweepFailed;
};
