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
import { fetchWithFailover } from './failover';
import type { NodeHealth } from './nodeHealth';
import type { DicomwebUpstream } from './upstream';

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
  /** Instances fetched at once. Default 2 (foreground reads share the nodes). */
  concurrency?: number;
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
  private readonly log: (message: string) => void;

  constructor(private readonly options: StoreThroughOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
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
        if (i > 0) this.queue.unshift(...this.queue.splice(i, 1));
      }
      return;
    }
    if (this.options.store.instanceMetadata(ref.study, ref.series, ref.instance)) return;
    this.pending.add(ref.instance);
    const job = { ref, prefer };
    if (priority === 'read') this.queue.unshift(job);
    else this.queue.push(job);
    this.pump();
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
    for (const j of this.queue.splice(0)) this.pending.delete(j.ref.instance);
    await this.idle();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      void this.run(job)
        .catch((err: unknown) => this.log(`store-through: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          this.running--;
          this.pending.delete(job.ref.instance);
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
