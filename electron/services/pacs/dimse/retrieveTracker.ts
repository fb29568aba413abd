/**
 * Bookkeeping of one retrieve: hands each arriving instance to the sink (one at a time, in arrival order),
 * counts instances and bytes, merges the peer's sub-operation counts from its pending responses, reports
 * progress, and after a cancel refuses further instances while letting the ones being written finish, so
 * a cancelled retrieve never leaves a half-written instance behind.
 */
import { describeFailure } from '../../dicom/readErrors';
import type { InstanceSink, RetrieveProgress } from '../pacsNode';
import { STATUS_REFUSED, STATUS_SUCCESS, sinkFailureStatus } from './dimseErrors';

export interface PeerCounts {
  remaining?: number;
  completed?: number;
  failed?: number;
  warning?: number;
}

export class RetrieveTracker {
  private completed = 0;
  private failedHere = 0;
  private bytes = 0;
  private peer: PeerCounts = {};
  private total: number | undefined;
  private cancelledFlag = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sink: InstanceSink,
    private readonly onProgress?: (progress: RetrieveProgress) => void,
  ) {}

  get cancelled(): boolean {
    return this.cancelledFlag;
  }

  cancel(): void {
    this.cancelledFlag = true;
  }

  /** Stores one instance; resolves with the C-STORE status to answer. Never rejects. */
  async accept(part10: Uint8Array): Promise<number> {
    return (await this.acceptWithReason(part10)).status;
  }

  /**
   * Stores one instance; resolves with the C-STORE status and, on failure, the reason for the Error Comment
   * (an incomplete instance says so: completeness.ts). Never rejects.
   */
  acceptWithReason(part10: Uint8Array): Promise<{ status: number; comment?: string }> {
    const run = async (): Promise<{ status: number; comment?: string }> => {
      if (this.cancelledFlag) return { status: STATUS_REFUSED, comment: 'The retrieve was cancelled' };
      try {
        await this.sink(part10);
      } catch (err) {
        this.failedHere++;
        this.emit();
        return { status: sinkFailureStatus(err), comment: describeFailure(err).reason };
      }
      this.completed++;
      this.bytes += part10.byteLength;
      this.emit();
      return { status: STATUS_SUCCESS };
    };
    // Serialized: a peer may pipeline sub-operations, and the sink sees instances in arrival order.
    const result = this.chain.then(run);
    this.chain = result;
    return result;
  }

  /**
   * Counts from a C-GET/C-MOVE response. On the final one nothing remains, whatever it says (Orthanc 1.10
   * repeats its last "remaining: 1" in the final C-MOVE response).
   */
  peerResponse(counts: PeerCounts, final: boolean): void {
    const given = Object.fromEntries(Object.entries(counts).filter(([, v]) => typeof v === 'number')) as PeerCounts;
    this.peer = { ...this.peer, ...given, ...(final ? { remaining: 0 } : {}) };
    const { remaining, completed = 0, failed = 0, warning = 0 } = this.peer;
    if (remaining !== undefined) this.total = remaining + completed + failed + warning;
    this.emit();
  }

  /** Resolves when no instance is being written any more. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  /** Sub-operations the peer reported as done, counting its warnings as done (they were stored). */
  get peerCompleted(): number {
    return (this.peer.completed ?? 0) + (this.peer.warning ?? 0);
  }

  progress(): RetrieveProgress {
    const failed = Math.max(this.failedHere, this.peer.failed ?? 0);
    const progress: RetrieveProgress = { completed: this.completed, failed, bytes: this.bytes };
    if (this.total !== undefined) progress.total = Math.max(this.total, this.completed + failed);
    return progress;
  }

  private emit(): void {
    try {
      this.onProgress?.(this.progress());
    } catch {
      // A broken progress listener must not fail the retrieve.
    }
  }
}
