/**
 * The Prefetcher turns prefetch rules (rules.ts) into background retrieve jobs (priority 'prefetch', so a
 * reader's retrieve always goes first, see RetrieveJobs) and keeps the jobs not yet done in an encrypted
 * queue file (queueFile.ts), so a restart resumes them: at open every persisted entry is queued again.
 * Re-retrieving a study that was partly fetched is safe — the store skips instances it already holds — and
 * the job's counts then run from 0 to the study's total (instances already here count as completed).
 *
 * Entry life: queued → running → done | failed | cancelled. Done, failed and user-cancelled entries leave
 * the queue file (they stay in list() until the process ends); entries stopped by close() stay in it.
 * Studies already complete locally, or already queued/running (prefetch or reader), are skipped.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { isFinished, type RetrieveJob } from '../../../common/dicom/retrieveJob';
import type { StudyQueryInput } from '../../../common/dicom/studyQuery';
import type { KeyProvider } from '../archive/keyProvider';
import type { RetrieveJobs } from '../jobs/retrieveJobs';
import type { PacsNode } from '../pacs/pacsNode';
import type { InstanceStore } from '../store/instanceStore';
import { PrefetchQueueFile, prefetchQueueKey, type PersistedEntry } from './queueFile';
import { pinnedRule, priorsRule, queryRule, todayQuery, type PrefetchCandidate, type PrefetchRule, type RuleAnswer, type SkipReason } from './rules';

export type PrefetchState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface PrefetchEntry {
  id: string;
  studyInstanceUid: string;
  patientId?: string;
  rule: PrefetchRule;
  state: PrefetchState;
  /** The retrieve job (RetrieveJobs / onRetrieveProgress) once it is queued there. */
  jobId?: string;
  nodeId?: string;
  completed: number;
  failed: number;
  total?: number;
  bytes: number;
  bytesPerSecond: number;
  addedAt: number;
  /** True when this entry came back from the queue file at start-up. */
  resumed: boolean;
  error?: string;
}

export interface PrefetchOutcome {
  rule: PrefetchRule;
  queued: PrefetchEntry[];
  skipped: { studyInstanceUid: string; reason: SkipReason }[];
  /** Nodes that did not answer the rule's search, and studies no node could serve. */
  errors: string[];
}

export interface PrefetcherOptions {
  jobs: RetrieveJobs;
  store: InstanceStore;
  nodes: () => readonly PacsNode[];
  /** The encrypted queue file and its key (see queueFile.ts). */
  queueFile: string;
  key: Buffer;
  /** N for the priors rule (default 3). */
  priorsCount?: number;
  /** Pins pinned-list studies in stores that support it (the archive), so quota eviction keeps them. */
  pinPinned?: boolean;
  now?: () => Date;
  log?: (message: string) => void;
}

interface PinAware {
  pin?(study: string): Promise<void>;
}

export class Prefetcher {
  private readonly entries = new Map<string, PrefetchEntry>();
  private readonly listeners = new Set<(entry: PrefetchEntry) => void>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly file: PrefetchQueueFile;
  private closing = false;
  /** What a user should know from start-up (an unreadable queue file set aside). */
  readonly notices: string[] = [];

  private constructor(private readonly options: PrefetcherOptions) {
    this.file = new PrefetchQueueFile(options.queueFile, options.key);
  }

  /** Loads the queue file and re-queues what it holds (in the background: open does not wait on nodes). */
  static async open(options: PrefetcherOptions): Promise<Prefetcher> {
    const p = new Prefetcher(options);
    let persisted: PersistedEntry[] = [];
    try {
      persisted = await p.file.load();
    } catch (err) {
      const aside = await p.file.setAside().catch(() => '(could not move it)');
      p.notices.push(`The prefetch queue could not be read (${err instanceof Error ? err.message : String(err)}); set aside as ${aside}, starting empty.`);
    }
    for (const e of persisted) {
      const entry: PrefetchEntry = { ...e, state: 'queued', completed: 0, failed: 0, bytes: 0, bytesPerSecond: 0, resumed: true };
      p.entries.set(entry.id, entry);
    }
    for (const entry of p.entries.values()) p.track(p.submit(entry));
    return p;
  }

  /** The queue next to the data folder, keyed from the archive's key (the archive must be open already). */
  static async openForArchive(options: Omit<PrefetcherOptions, 'queueFile' | 'key'> & { dataDir: string; archiveDir: string; keyProvider: KeyProvider }): Promise<Prefetcher> {
    const key = await prefetchQueueKey(options.archiveDir, options.keyProvider);
    return Prefetcher.open({ ...options, queueFile: path.join(options.dataDir, 'prefetch-queue.enc'), key });
  }

  get queueFile(): string {
    return this.file.file;
  }

  /** Every entry of this session (and those resumed), with live progress from its job. */
  list(): PrefetchEntry[] {
    return [...this.entries.values()].map((e) => this.live(e));
  }

  get(id: string): PrefetchEntry | undefined {
    const e = this.entries.get(id);
    return e && this.live(e);
  }

  /** Called on each entry state change (queued, running is seen through the job's progress, finished). */
  onChange(listener: (entry: PrefetchEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rule (a): the studies matching a query, on every node. */
  async queueQuery(query: StudyQueryInput): Promise<PrefetchOutcome> {
    return this.apply('query', await queryRule(this.options.nodes(), this.options.store, query));
  }

  /** Rule (a) with today's date range. */
  queueToday(): Promise<PrefetchOutcome> {
    return this.queueQuery(todayQuery(this.options.now?.() ?? new Date()));
  }

  /** Rule (b): the `count` most recent other studies of the patient (default priorsCount, 3). */
  async queuePriors(patientId: string, options: { count?: number; openedStudyUid?: string } = {}): Promise<PrefetchOutcome> {
    const count = options.count ?? this.options.priorsCount ?? 3;
    const answer = await priorsRule(this.options.nodes(), this.options.store, patientId, { count, openedStudyUid: options.openedStudyUid });
    return this.apply('priors', answer);
  }

  /** Rule (b), as the viewer calls it when a study is opened. */
  onStudyOpened(studyUid: string, patientId: string, count?: number): Promise<PrefetchOutcome> {
    return this.queuePriors(patientId, { openedStudyUid: studyUid, ...(count !== undefined ? { count } : {}) });
  }

  /** Rule (c): a pinned list. The studies are also pinned in the archive (unless pinPinned is false). */
  async queuePinned(studyUids: readonly string[]): Promise<PrefetchOutcome> {
    const store = this.options.store as unknown as PinAware;
    if (this.options.pinPinned !== false && typeof store.pin === 'function') {
      for (const uid of new Set(studyUids)) await store.pin(uid);
    }
    return this.apply('pinned', pinnedRule(this.options.store, studyUids));
  }

  /** Cancels one entry (its job too) and drops it from the queue file. */
  cancel(id: string): boolean {
    const e = this.entries.get(id);
    if (!e || isFinished(e)) return false;
    if (e.jobId) this.options.jobs.cancel(e.jobId);
    else this.finish(e, 'cancelled');
    return true;
  }

  /** Resolves when no entry is queued or running (including the jobs resumed at open). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops: running prefetch jobs are cancelled but stay in the queue file, to resume at the next open.
   * The cancel happens synchronously, before the first await.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const e of this.entries.values()) if (!isFinished(e) && e.jobId) this.options.jobs.cancel(e.jobId);
    await this.whenIdle();
    await this.persist();
  }

  // ---- internals ----

  private async apply(rule: PrefetchRule, answer: RuleAnswer): Promise<PrefetchOutcome> {
    const outcome: PrefetchOutcome = { rule, queued: [], skipped: [...answer.skipped], errors: [...answer.errors] };
    if (this.closing) throw new Error('The prefetcher is closed');
    const fresh: PrefetchEntry[] = [];
    for (const c of answer.candidates) {
      if (this.isQueued(c.studyInstanceUid)) {
        outcome.skipped.push({ studyInstanceUid: c.studyInstanceUid, reason: 'queued' });
        continue;
      }
      const entry = this.newEntry(rule, c);
      this.entries.set(entry.id, entry);
      fresh.push(entry);
    }
    if (fresh.length) await this.persist();
    const submitted = await Promise.all(fresh.map((e) => this.track(this.submit(e, e.nodeId))));
    for (const [i, e] of fresh.entries()) {
      if (submitted[i]) outcome.queued.push(this.live(e));
      else outcome.errors.push(`${e.studyInstanceUid}: ${e.error ?? 'could not be queued'}`);
    }
    return outcome;
  }

  private newEntry(rule: PrefetchRule, c: PrefetchCandidate): PrefetchEntry {
    return {
      id: randomUUID(),
      studyInstanceUid: c.studyInstanceUid,
      patientId: c.patientId,
      rule,
      state: 'queued',
      nodeId: c.nodeId,
      completed: 0,
      failed: 0,
      total: c.numberOfInstances,
      bytes: 0,
      bytesPerSecond: 0,
      addedAt: Date.now(),
      resumed: false,
    };
  }

  private isQueued(study: string): boolean {
    for (const e of this.entries.values()) if (e.studyInstanceUid === study && !isFinished(e)) return true;
    return this.options.jobs.list().some((j) => j.studyInstanceUid === study && !j.seriesInstanceUid && !isFinished(j));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  /**
   * Starts the retrieve job and follows it to the end. Resolves false when it could not be queued
   * (no node holds the study); the waiting for the job itself is tracked separately.
   */
  private async submit(entry: PrefetchEntry, nodeId?: string): Promise<boolean> {
    let job: RetrieveJob;
    try {
      job = await this.options.jobs.start({ studyInstanceUid: entry.studyInstanceUid, nodeId, priority: 'prefetch' });
    } catch (err) {
      if (this.closing) return false; // stays in the queue file
      entry.error = err instanceof Error ? err.message : String(err);
      this.finish(entry, 'failed');
      return false;
    }
    if (isFinished(entry)) {
      // cancelled while the job was being set up
      this.options.jobs.cancel(job.jobId);
      return false;
    }
    entry.jobId = job.jobId;
    entry.nodeId = job.nodeId;
    if (this.closing) this.options.jobs.cancel(job.jobId);
    this.emit(entry);
    this.track(this.options.jobs.wait(job.jobId).then((final) => this.settle(entry, final)));
    return true;
  }

  private settle(entry: PrefetchEntry, final: RetrieveJob): void {
    if (isFinished(entry)) return;
    this.copyProgress(entry, final);
    if (this.closing && final.state === 'cancelled') {
      // Stopped by close(): stays queued in the file, resumes at the next open.
      entry.state = 'queued';
      entry.jobId = undefined;
      this.emit(entry);
      return;
    }
    entry.error = final.error;
    this.finish(entry, final.state === 'done' ? 'done' : final.state === 'cancelled' ? 'cancelled' : 'failed');
  }

  private finish(entry: PrefetchEntry, state: 'done' | 'failed' | 'cancelled'): void {
    entry.state = state;
    this.emit(entry);
    this.track(this.persist());
  }

  private copyProgress(entry: PrefetchEntry, job: RetrieveJob): void {
    entry.completed = job.completed;
    entry.failed = job.failed;
    if (job.total !== undefined) entry.total = job.total;
    entry.bytes = job.bytes;
    entry.bytesPerSecond = job.bytesPerSecond;
  }

  private live(e: PrefetchEntry): PrefetchEntry {
    const out = { ...e };
    if (!isFinished(e) && e.jobId) {
      const job = this.options.jobs.get(e.jobId);
      if (job) {
        this.copyProgress(out, job);
        out.state = job.state === 'running' ? 'running' : out.state;
      }
    }
    return out;
  }

  private persist(): Promise<void> {
    const pending: PersistedEntry[] = [...this.entries.values()]
      .filter((e) => !isFinished(e))
      .map((e) => ({ id: e.id, studyInstanceUid: e.studyInstanceUid, patientId: e.patientId, rule: e.rule, addedAt: e.addedAt }));
    return this.file.save(pending).catch((err: unknown) => {
      this.options.log?.(`The prefetch queue could not be saved: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private emit(entry: PrefetchEntry): void {
    const snapshot = this.live(entry);
    for (const l of this.listeners) {
      try {
        l(snapshot);
      } catch {
        // a broken listener must not stop the queue
      }
    }
  }
}
