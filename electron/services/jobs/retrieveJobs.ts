/**
 * Retrieve jobs: move a study (or one series) from a node into the local store, one instance at a time
 * as it arrives, with progress and cancel. The store writes each instance atomically, so a cancelled or
 * failed job leaves only complete instances behind.
 */
import { randomUUID } from 'node:crypto';
import { isFinished, type RetrieveJob } from '../../../common/dicom/retrieveJob';
import { PacsError, type PacsNode, type RetrieveProgress } from '../pacs/pacsNode';
import { describeFailure, withDeadline } from '../pacs/federatedSearch';
import type { InstanceStore } from '../store/instanceStore';

export interface RetrieveJobRequest {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  /** The node to retrieve from; by default the first node (by priority) that holds the study. */
  nodeId?: string;
}

export interface RetrieveJobsOptions {
  nodes: () => readonly PacsNode[];
  store: InstanceStore;
  onUpdate?: (job: RetrieveJob) => void;
  /** At most this many retrieves run at once; the rest wait in order. */
  concurrency?: number;
  /** Minimum time between two progress updates of one job (the last one is always sent). */
  progressIntervalMs?: number;
}

export class RetrieveJobError extends Error {}

interface Running {
  job: RetrieveJob;
  ctl: AbortController;
  done: Promise<RetrieveJob>;
}

export class RetrieveJobs {
  private readonly jobs = new Map<string, Running>();
  private readonly queue: (() => void)[] = [];
  private active = 0;

  constructor(private readonly options: RetrieveJobsOptions) {}

  list(): RetrieveJob[] {
    return [...this.jobs.values()].map((r) => ({ ...r.job }));
  }

  get(jobId: string): RetrieveJob | undefined {
    const r = this.jobs.get(jobId);
    return r && { ...r.job };
  }

  /** Resolves when the job has finished (in any state). */
  wait(jobId: string): Promise<RetrieveJob> {
    const r = this.jobs.get(jobId);
    if (!r) return Promise.reject(new RetrieveJobError(`No retrieve job ${jobId}`));
    return r.done;
  }

  cancel(jobId: string): boolean {
    const r = this.jobs.get(jobId);
    if (!r || isFinished(r.job)) return false;
    r.ctl.abort();
    return true;
  }

  cancelAll(): void {
    for (const r of this.jobs.values()) if (!isFinished(r.job)) r.ctl.abort();
  }

  /** Picks the node, registers the job and queues it. Throws RetrieveJobError when no node can serve it. */
  async start(request: RetrieveJobRequest): Promise<RetrieveJob> {
    const node = await this.chooseNode(request);
    const ctl = new AbortController();
    const job: RetrieveJob = {
      jobId: randomUUID(),
      studyInstanceUid: request.studyInstanceUid,
      seriesInstanceUid: request.seriesInstanceUid,
      nodeId: node.settings.id,
      nodeName: node.settings.name,
      state: 'queued',
      completed: 0,
      failed: 0,
      bytes: 0,
      bytesPerSecond: 0,
      startedAt: Date.now(),
    };
    let resolveDone!: (j: RetrieveJob) => void;
    const done = new Promise<RetrieveJob>((r) => (resolveDone = r));
    this.jobs.set(job.jobId, { job, ctl, done });
    const snapshot = { ...job };
    this.emit(job);
    this.schedule(() => {
      void this.run(job, node, ctl.signal).then(() => resolveDone({ ...job }));
    });
    return snapshot;
  }

  private schedule(task: () => void): void {
    const limit = this.options.concurrency ?? 2;
    if (this.active < limit) {
      this.active++;
      task();
    } else {
      this.queue.push(() => {
        this.active++;
        task();
      });
    }
  }

  private release(): void {
    this.active--;
    this.queue.shift()?.();
  }

  private async chooseNode(request: RetrieveJobRequest): Promise<PacsNode> {
    const nodes = this.options.nodes().filter((n) => n.settings.enabled);
    if (request.nodeId) {
      const node = nodes.find((n) => n.settings.id === request.nodeId || n.settings.name === request.nodeId);
      if (!node) throw new RetrieveJobError(`No enabled node "${request.nodeId}" (configured: ${nodes.map((n) => n.settings.id).join(', ') || 'none'})`);
      return node;
    }
    const ordered = [...nodes].sort((a, b) => a.settings.priority - b.settings.priority);
    if (ordered.length === 0) throw new RetrieveJobError('No PACS node is configured to retrieve from');
    const reasons: string[] = [];
    for (const node of ordered) {
      try {
        const found = await withDeadline(node, (signal) =>
          node.find({ level: 'STUDY', filters: { StudyInstanceUID: request.studyInstanceUid }, limit: 1 }, signal),
        );
        // A node that ignores the key would answer with other studies: only an exact match counts.
        if (found.some((ds) => ds['0020000D']?.Value?.[0] === request.studyInstanceUid)) return node;
        reasons.push(`${node.settings.name}: not there`);
      } catch (err) {
        reasons.push(describeFailure(err).message);
      }
    }
    throw new RetrieveJobError(`No node holds study ${request.studyInstanceUid} (${reasons.join('; ')})`);
  }

  private async run(job: RetrieveJob, node: PacsNode, signal: AbortSignal): Promise<void> {
    const interval = this.options.progressIntervalMs ?? 250;
    let lastEmit = 0;
    job.state = 'running';
    job.startedAt = Date.now();
    this.emit(job);
    const apply = (p: RetrieveProgress) => {
      job.completed = p.completed;
      // A sink that throws marks the instance failed, and the node counts it (PacsNode's contract).
      job.failed = p.failed;
      job.total = p.total;
      job.bytes = p.bytes;
      const seconds = (Date.now() - job.startedAt) / 1000;
      job.bytesPerSecond = seconds > 0 ? job.bytes / seconds : 0;
    };
    try {
      if (signal.aborted) throw new PacsError('cancelled', node.settings.id, 'Cancelled before it started');
      const final = await node.retrieve(
        { studyInstanceUid: job.studyInstanceUid, seriesInstanceUid: job.seriesInstanceUid },
        async (bytes) => {
          await this.options.store.put(bytes);
        },
        {
          signal,
          onProgress: (p) => {
            apply(p);
            const now = Date.now();
            if (now - lastEmit >= interval) {
              lastEmit = now;
              this.emit(job);
            }
          },
        },
      );
      apply(final);
      job.state = job.failed > 0 && job.completed === 0 ? 'failed' : 'done';
      if (job.failed > 0) job.error = `${job.failed} instance(s) could not be retrieved or stored`;
    } catch (err) {
      if (signal.aborted || (err instanceof PacsError && err.kind === 'cancelled')) {
        job.state = 'cancelled';
      } else {
        job.state = 'failed';
        job.error = describeFailure(err).message;
      }
    } finally {
      job.finishedAt = Date.now();
      this.emit(job);
      this.release();
    }
  }

  private emit(job: RetrieveJob): void {
    try {
      this.options.onUpdate?.({ ...job });
    } catch {
      // A broken listener must not break the transfer.
    }
  }
}
