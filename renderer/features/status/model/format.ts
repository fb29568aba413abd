/** Numbers as the status panels show them. Pure. */
import type { RetrieveJob } from '../../../../common/dicom/retrieveJob';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Seconds left at the current rate, from images (bytes per image is unknown until some arrived). */
export function etaSeconds(job: RetrieveJob, now: number): number | undefined {
  if (job.state !== 'running' || job.total === undefined || job.completed === 0) return undefined;
  const elapsed = (now - job.startedAt) / 1000;
  if (elapsed <= 0) return undefined;
  const perImage = elapsed / job.completed;
  return Math.max(0, Math.round(perImage * (job.total - job.completed - job.failed)));
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 60) return `${seconds} s left`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s left`;
}
