/** The job as agencies see it. */
import type { ListJob } from '../../../schemas/entities/lists';
import { jobDone } from '../../domain/lists/list-jobs';
import { describeList } from '../../domain/lists/list-summary';

export function jobView(job: ListJob, status?: 'processing' | 'done') {
  return {
    jobId: job.jobId,
    status: status ?? (jobDone(job) ? 'done' : 'processing'),
    format: job.format,
    createdAt: job.createdAt,
    total: job.total,
    rejected: job.rejected,
    processed: job.processed,
    outcomes: job.outcomes,
    ...(job.summary && { summary: { ...job.summary, text: describeList(job.summary) } }),
  };
}
