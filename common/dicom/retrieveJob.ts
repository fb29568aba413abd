/** A retrieve as the jobs panel and the CLI see it. */
import { z } from 'zod';

export const RetrieveJobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

export const RetrieveJob = z.object({
  jobId: z.string(),
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string().optional(),
  nodeId: z.string(),
  nodeName: z.string(),
  state: RetrieveJobState,
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().optional(),
  bytes: z.number().nonnegative(),
  /** Average over the transfer so far. */
  bytesPerSecond: z.number().nonnegative(),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  error: z.string().optional(),
});
export type RetrieveJob = z.infer<typeof RetrieveJob>;

export function isFinished(job: Pick<RetrieveJob, 'state'>): boolean {
  return job.state === 'done' || job.state === 'failed' || job.state === 'cancelled';
}
