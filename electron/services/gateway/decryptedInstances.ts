/**
 * The last few decrypted multi-frame instances, for the frames route: a viewer asks for a multi-frame object
 * (an enhanced CT, an ultrasound cine) one frame per request, and each request would otherwise read and decrypt
 * the whole instance again — frames × its size. Bounded by count and bytes; least recently used goes first.
 * Decrypted bytes live only in memory, never on disk.
 */
import type { InstanceRef } from './storeThrough';

export class DecryptedInstances {
  /** By SOP Instance UID, least recently used first. */
  private readonly entries = new Map<string, { ref: InstanceRef; bytes: Uint8Array }>();
  private bytes = 0;

  /**
   * @param onFirstPut called once, when the first instance is kept (the gateway starts watching the archive for
   * evictions then, not at start-up: a gateway that never serves a multi-frame instance never touches the store).
   */
  constructor(
    private readonly maxEntries = 4,
    private readonly maxBytes = 256 * 1024 * 1024,
    private onFirstPut?: () => void,
  ) {}

  get(ref: InstanceRef): Uint8Array | undefined {
    const hit = this.entries.get(ref.instance);
    if (!hit || hit.ref.study !== ref.study || hit.ref.series !== ref.series) return undefined;
    // Most recently used last.
    this.entries.delete(ref.instance);
    this.entries.set(ref.instance, hit);
    return hit.bytes;
  }

  put(ref: InstanceRef, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes) return;
    const first = this.onFirstPut;
    this.onFirstPut = undefined;
    first?.();
    this.drop(ref.instance);
    this.entries.set(ref.instance, { ref, bytes });
    this.bytes += bytes.byteLength;
    for (const [oldest, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= e.bytes.byteLength;
    }
  }

  /** Forgets an instance. */
  drop(instance: string): void {
    const old = this.entries.get(instance);
    if (!old) return;
    this.entries.delete(instance);
    this.bytes -= old.bytes.byteLength;
  }

  /** Keeps only the instances still stored (the archive evicted or removed the others). */
  retain(stored: (ref: InstanceRef) => boolean): void {
    for (const [sop, e] of [...this.entries]) if (!stored(e.ref)) this.drop(sop);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
