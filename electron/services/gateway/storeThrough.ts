/**
 * Store-through: when the gateway answers a read from an upstream node, the whole instance is fetched
 * from that node (falling over to the others) in the background and put in the store, so the next read of
 * it is local. Requests are deduplicated per SOP Instance UID, at most `concurrency` run at once, and
 * instances the reader asked for go ahead of instances queued because their series was opened. Nothing
 * here is awaited by the answer to the renderer; every failure is logged, never thrown.
 */
import { boundaryOf, decodeMultipart } from '../../../common/dicom/multipart';
import type { SeriesInstanceUid, SopInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';
import type { InstanceStore } from '../store/instanceStore';
import { fetchWithFailover } from '../pacs/failover';
import type { NodeHealth } from '../pacs/nodeHealth';
import type { DicomwebUpstream } from '../pacs/upstream';

export const INSTANCE_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export interface InstanceRef {
  study: StudyInstanceUid;
  series: SeriesInstanceUid;
  instance: SopInstanceUid;
}

export interface StoreThroughOptions {
  store: InstanceStore;
  upstreams: readonly DicomwebUpstream[];
  health: NodeHealth;
  /** Instances fetched at once for prefetch (a series opened). Default 2 (foreground reads share the nodes). */
  concurrency?: number;
  /**
   * Instances fetched at once while a reader waits for them (reads, a series streamed to the viewer). Default 6:
   * the viewer's own parallelism, so streaming a series through the gateway is not throttled to the prefetch rate.
   */
  foregroundConcurrency?: number;
  /** Called after an instance is stored (the gateway tracks which series are complete). */
  onStored?: (ref: InstanceRef) => void;
  log?: (message: string) => void;
}

export interface StoreThroughStats {
  stored: number;
  failed: number;
  queued: number;
  running: number;
}

interface Job {
  ref: InstanceRef;
  prefer?: DicomwebUpstream;
  foreground: boolean;
}

export class StoreThrough {
  private readonly queue: Job[] = [];
  /** SOP Instance UIDs queued or running. */
  private readonly pending = new Set<string>();
  private running = 0;
  private stored = 0;
  private failed = 0;
  private readonly controller = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly foregroundConcurrency: number;
  /** Callers of fetchStored() waiting for a pending instance, by SOP Instance UID. */
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly log: (message: string) => void;

  constructor(private readonly options: StoreThroughOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.foregroundConcurrency = Math.max(this.concurrency, options.foregroundConcurrency ?? 6);
    this.log = options.log ?? (() => {});
  }

  /**
   * Asks for an instance to be stored. 'read': the reader wants it now (goes to the front);
   * 'prefetch': its series was opened (goes to the back). Instances already local or pending are ignored.
   */
  request(ref: InstanceRef, priority: 'read' | 'prefetch' = 'read', prefer?: DicomwebUpstream): void {
    if (this.controller.signal.aborted || this.options.upstreams.length === 0) return;
    if (this.pending.has(ref.instance)) {
      if (priority === 'read') {
        const i = this.queue.findIndex((j) => j.ref.instance === ref.instance);
        if (i >= 0) {
          const [job] = this.queue.splice(i, 1);
          job!.foreground = true;
          this.enqueueForeground(job!);
        }
        this.pump();
      }
      return;
    }
    if (this.options.store.instanceMetadata(ref.study, ref.series, ref.instance)) return;
    this.pending.add(ref.instance);
    const job: Job = { ref, prefer, foreground: priority === 'read' };
    if (priority === 'read') this.enqueueForeground(job);
    else this.queue.push(job);
    this.pump();
  }

  /**
   * The instance from the store, fetching it first (ahead of prefetch) when it is not there: the bytes a
   * reader streams are the bytes stored, one download per instance. Undefined when no node could provide it
   * or the store refused it (the reason is logged).
   */
  async fetchStored(ref: InstanceRef, prefer?: DicomwebUpstream): Promise<Uint8Array | undefined> {
    const { store } = this.options;
    const local = await store.readInstance(ref.study, ref.series, ref.instance);
    if (local) return local;
    const done = new Promise<void>((resolve) => {
      const list = this.waiters.get(ref.instance) ?? [];
      list.push(resolve);
      this.waiters.set(ref.instance, list);
    });
    this.request(ref, 'read', prefer);
    // Not queued (closed, no upstream, or stored meanwhile): nothing will call the waiter.
    if (!this.pending.has(ref.instance)) this.release(ref.instance);
    await done;
    return store.readInstance(ref.study, ref.series, ref.instance);
  }

  /** Reads go ahead of prefetch, in the order they were asked for (a streamed series arrives in order). */
  private enqueueForeground(job: Job): void {
    const firstBackground = this.queue.findIndex((j) => !j.foreground);
    this.queue.splice(firstBackground < 0 ? this.queue.length : firstBackground, 0, job);
  }

  private release(instance: string): void {
    const list = this.waiters.get(instance);
    this.waiters.delete(instance);
    for (const w of list ?? []) w();
  }

  stats(): StoreThroughStats {
    return { stored: this.stored, failed: this.failed, queued: this.queue.length, running: this.running };
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops the queue and aborts the transfers in flight. */
  async close(): Promise<void> {
    this.controller.abort();
    for (const j of this.queue.splice(0)) {
      this.pending.delete(j.ref.instance);
      this.release(j.ref.instance);
    }
    await this.idle();
  }

  private pump(): void {
    // Foreground jobs sit at the front of the queue and may use the larger foreground allowance.
    while (this.queue.length > 0 && this.running < (this.queue[0]!.foreground ? this.foregroundConcurrency : this.concurrency)) {
      const job = this.queue.shift()!;
      this.running++;
      void this.run(job)
        .catch((err: unknown) => this.log(`store-through: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          this.running--;
          this.pending.delete(job.ref.instance);
          this.release(job.ref.instance);
          this.pump();
          if (this.running === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  private async run(job: Job): Promise<void> {
    const { ref } = job;
    const { store } = this.options;
    if (store.instanceMetadata(ref.study, ref.series, ref.instance)) return;
    const path = `/studies/${ref.study}/series/${ref.series}/instances/${ref.instance}`;
    const outcome = await fetchWithFailover(this.options.upstreams, this.options.health, path, INSTANCE_ACCEPT, {
      signal: this.controller.signal,
      prefer: job.prefer,
    });
    if (this.controller.signal.aborted) return;
    if (outcome.kind === 'miss') {
      this.failed++;
      this.log(`store-through of instance ${ref.instance} failed: ${outcome.failures.join('; ') || 'not found on any node'}`);
      return;
    }
    const { answer } = outcome;
    const boundary = boundaryOf(answer.contentType);
    let bytes: Uint8Array = answer.body;
    if (boundary) {
      const parts = decodeMultipart(answer.body, boundary);
      if (parts.length !== 1) {
        this.failed++;
        this.log(`store-through of instance ${ref.instance}: ${answer.node.name} sent ${parts.length} parts instead of 1`);
        return;
      }
      bytes = parts[0]!.body;
    }
    try {
      const put = await store.put(bytes);
      if (put.instance !== ref.instance) {
        this.log(`store-through: ${answer.node.name} answered instance ${put.instance} when asked for ${ref.instance}`);
      }
      this.stored++;
      this.options.onStored?.({ study: put.study, series: put.series, instance: put.instance });
    } catch (err) {
      this.failed++;
      this.log(`store-through of instance ${ref.instance} from ${answer.node.name} could not be stored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
