/**
 * Retrieve jobs: move a study (or one series) from a node into the local store, one instance at a time
 * as it arrives, with progress and cancel. The store writes each instance atomically, so a cancelled or
 * failed job leaves only complete instances behind.
 *
 * Priorities: every job has a class, 'reader' (someone is waiting for it: the UI, the CLI; the default) or
 * 'prefetch' (background). Queued reader jobs always start before queued prefetch jobs. When every slot is
 * busy and at least one of them runs a prefetch job, a new reader job preempts: the most recently started
 * prefetch job is cancelled and put back at the head of the prefetch queue (state 'queued' again, same job
 * id, its `wait` promise still pending). Cancel-and-requeue rather than pause because no protocol here can
 * pause a transfer (a WADO-RS multipart or a C-MOVE association cannot be held open idle reliably); the cost
 * is re-sending what the preempted job had fetched, which the store skips as duplicates, and the job's counts
 * start again from zero, so they still end at the study's total.
 *
 * When a whole-study retrieve finishes, stores that track completeness (the encrypted archive's
 * setStudyState) are told 'complete' or 'partial'; stores whose put takes options get the source node.
 */
import { randomUUID } from 'node:crypto';
import { isFinished, type RetrieveJob } from '../../../common/dicom/retrieveJob';
import { PacsError, type PacsNode, type RetrieveProgress } from '../pacs/pacsNode';
import { describeFailure, withDeadline } from '../pacs/federatedSearch';
import type { InstanceStore, PutOutcome } from '../store/instanceStore';
import type { AuditSink } from '../audit/auditSink';
import { TransferAudit } from './transferAudit';

export interface RetrieveJobRequest {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  /** The node to retrieve from; by default the first node (by priority) that holds the study. */
  nodeId?: string;
  /** 'reader' (default) or 'prefetch' (background: runs only when no reader job waits, may be preempted). */
  priority?: RetrievePriority;
}

export type RetrievePriority = 'reader' | 'prefetch';

/** Optional store capabilities, checked at run time (a bare InstanceStore has neither). */
interface CompletenessAwareStore {
  setStudyState?(study: string, state: 'complete' | 'partial' | undefined): Promise<void>;
}
type SourceAwarePut = (bytes: Uint8Array, options?: { sourceNode?: string }) => Promise<PutOutcome>;

export interface RetrieveJobsOptions {
  nodes: () => readonly PacsNode[];
  store: InstanceStore;
  onUpdate?: (job: RetrieveJob) => void;
  /** At most this many retrieves run at once; the rest wait in order. */
  concurrency?: number;
  /** Minimum time between two progress updates of one job (the last one is always sent). */
  progressIntervalMs?: number;
  /** A reader job may cancel-and-requeue a running prefetch job when every slot is busy (default true). */
  preempt?: boolean;
  /** Records a DICOM Instances Transferred event when a job finishes (reader and prefetch alike). */
  audit?: AuditSink;
}

export class RetrieveJobError extends Error {}

interface Running {
  job: RetrieveJob;
  ctl: AbortController;
  done: Promise<RetrieveJob>;
  priority: RetrievePriority;
  node: PacsNode;
  resolve: (job: RetrieveJob) => void;
  /** The controller of the current attempt (a preempted job gets a fresh one when it runs again). */
  attempt?: AbortController;
  preempted?: boolean;
}

export class RetrieveJobs {
  private readonly jobs = new Map<string, Running>();
  private readonly readerQueue: Running[] = [];
  private readonly prefetchQueue: Running[] = [];
  /** Running jobs, in the order they started. */
  private readonly running: Running[] = [];

  constructor(private readonly options: RetrieveJobsOptions) {}

  list(): RetrieveJob[] {
    return [...this.jobs.values()].map((r) => ({ ...r.job }));
  }

  /** The job's priority class; undefined for an unknown job. */
  priority(jobId: string): RetrievePriority | undefined {
    return this.jobs.get(jobId)?.priority;
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
    this.abort(r);
    return true;
  }

  cancelAll(): void {
    for (const r of this.jobs.values()) if (!isFinished(r.job)) this.abort(r);
  }

  private abort(r: Running): void {
    r.ctl.abort();
    r.attempt?.abort();
    // A queued job finishes now (cancelled), it does not wait for a slot.
    for (const q of [this.readerQueue, this.prefetchQueue]) {
      const i = q.indexOf(r);
      if (i >= 0) {
        q.splice(i, 1);
        this.runNow(r);
      }
    }
  }

  /** Picks the node, registers the job and queues it. Throws RetrieveJobError when no node can serve it. */
  async start(request: RetrieveJobRequest): Promise<RetrieveJob> {
    const node = await this.chooseNode(request);
    const ctl = new AbortController();
    const priority: RetrievePriority = request.priority ?? 'reader';
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
    const entry: Running = { job, ctl, done, priority, node, resolve: resolveDone };
    this.jobs.set(job.jobId, entry);
    const snapshot = { ...job };
    this.emit(job);
    this.schedule(entry);
    return snapshot;
  }

  private get limit(): number {
    return Math.max(1, this.options.concurrency ?? 2);
  }

  private schedule(r: Running): void {
    if (this.running.length < this.limit) return this.runNow(r);
    if (r.priority === 'reader') {
      this.readerQueue.push(r);
      if (this.options.preempt !== false) {
        // Preempt the most recently started prefetch job that is not already being preempted.
        const victim = [...this.running].reverse().find((x) => x.priority === 'prefetch' && !x.preempted);
        if (victim) {
          victim.preempted = true;
          victim.attempt?.abort();
        }
      }
    } else {
      this.prefetchQueue.push(r);
    }
  }

  private runNow(r: Running): void {
    this.running.push(r);
    const attempt = new AbortController();
    r.attempt = attempt;
    r.preempted = false;
    const signal = AbortSignal.any([r.ctl.signal, attempt.signal]);
    void this.run(r, signal).then((requeued) => {
      if (!requeued) r.resolve({ ...r.job });
    });
  }

  /** Frees a slot: reader jobs first, then prefetch jobs, each in order. */
  private release(r: Running): void {
    const i = this.running.indexOf(r);
    if (i >= 0) this.running.splice(i, 1);
    while (this.running.length < this.limit) {
      const next = this.readerQueue.shift() ?? this.prefetchQueue.shift();
      if (!next) break;
      this.runNow(next);
    }
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

  /** Runs one attempt; resolves true when the job was preempted and put back in the queue. */
  private async run(r: Running, signal: AbortSignal): Promise<boolean> {
    const { job, node } = r;
    let requeued = false;
    const interval = this.options.progressIntervalMs ?? 250;
    let lastEmit = 0;
    job.state = 'running';
    job.startedAt = Date.now();
    job.completed = 0;
    job.failed = 0;
    job.bytes = 0;
    job.bytesPerSecond = 0;
    job.total = undefined;
    this.emit(job);
    const store = this.options.store;
    const put = store.put.bind(store) as SourceAwarePut;
    // Counts what this attempt brought (a preempted attempt's instances come again in the next one).
    const transfer = this.options.audit ? new TransferAudit(store) : undefined;
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
          // Stores that ignore a second argument (a bare InstanceStore) are unaffected.
          const outcome = await put(bytes, { sourceNode: node.settings.id });
          transfer?.add(outcome);
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
      // A node that returns early when aborted (instead of throwing) still ends a cancelled/preempted job.
      if (signal.aborted && (job.total === undefined || job.completed < job.total)) throw new PacsError('cancelled', node.settings.id, 'Retrieve cancelled');
      job.state = job.failed > 0 && job.completed === 0 ? 'failed' : 'done';
      if (job.failed > 0) job.error = `${job.failed} instance(s) could not be retrieved or stored`;
      else job.error = undefined;
      if (!job.seriesInstanceUid) {
        const complete = job.failed === 0 && (job.total === undefined || job.completed >= job.total);
        await this.markStudy(job.studyInstanceUid, job.completed > 0 ? (complete ? 'complete' : 'partial') : undefined);
      }
    } catch (err) {
      if (r.preempted && !r.ctl.signal.aborted) {
        requeued = true;
      } else if (signal.aborted || (err instanceof PacsError && err.kind === 'cancelled')) {
        job.state = 'cancelled';
      } else {
        job.state = 'failed';
        job.error = describeFailure(err).message;
      }
      if (!requeued && !job.seriesInstanceUid && job.completed > 0) await this.markStudy(job.studyInstanceUid, 'partial');
    } finally {
      if (requeued) {
        job.state = 'queued';
        this.prefetchQueue.unshift(r);
      } else {
        job.finishedAt = Date.now();
        if (transfer) this.options.audit?.record((ctx) => transfer.event(ctx, job, node));
      }
      this.emit(job);
      this.release(r);
    }
    return requeued;
  }

  /** Best effort: a store without completeness, or one already closed, is left as it is. */
  private async markStudy(study: string, state: 'complete' | 'partial' | undefined): Promise<void> {
    const store = this.options.store as unknown as CompletenessAwareStore;
    if (state === undefined || typeof store.setStudyState !== 'function') return;
    try {
      await store.setStudyState(study, state);
    } catch {
      // e.g. the archive closed while the job was stopping
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
