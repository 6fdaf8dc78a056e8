/** The job as agencies see it. */
import type { ListJob } from '../../../schemas/entities/lists';

export function jobView(job: ListJob, status?: 'processing' | 'done') {
  return {
    jobId: job.jobId,
    status: status ?? (job.processed + job.rejected >= job.total ? 'done' : 'processing'),
    format: job.format,
    createdAt: job.createdAt,
    total: job.total,
    rejected: job.rejected,
    processed: job.processed,
    outcomes: job.outcomes,
  };
}
