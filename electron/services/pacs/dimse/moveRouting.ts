/**
 * Which C-MOVE in progress an instance arriving at our SCP belongs to.
 *
 * A C-MOVE's instances come over a separate association the PACS opens to us. The PACS should copy the
 * Move Originator AE title and Message ID (0000,1030/1031) into each C-STORE (PS3.7 9.3.1.1); DimseSession
 * gives every request a process-wide unique message ID so that match is exact. Peers that leave those fields
 * out are matched by their AE title and the instance's Study Instance UID instead.
 */

export interface MoveReceiver {
  /** AE title the PACS calls us with (the node's own AE title). */
  peerAeTitle: string;
  /** Our calling AE title on the C-MOVE association. */
  originatorAeTitle: string;
  messageId: number;
  studyInstanceUid: string;
  /** Stores the instance; resolves with the C-STORE status to answer. */
  accept(part10: Uint8Array): Promise<number>;
}

export interface IncomingInstance {
  callingAeTitle: string;
  moveOriginatorAeTitle?: string;
  moveOriginatorMessageId?: number;
  /** Read only when needed (it parses the dataset). */
  studyInstanceUid: () => string | undefined;
}

const same = (a: string | undefined, b: string | undefined) => (a ?? '').trim() === (b ?? '').trim();

export class MoveRouter {
  private readonly receivers = new Set<MoveReceiver>();

  /** Registers a receiver; the returned function unregisters it. */
  register(receiver: MoveReceiver): () => void {
    this.receivers.add(receiver);
    return () => this.receivers.delete(receiver);
  }

  get size(): number {
    return this.receivers.size;
  }

  route(instance: IncomingInstance): MoveReceiver | undefined {
    const fromPeer = [...this.receivers].filter((r) => same(r.peerAeTitle, instance.callingAeTitle));
    if (fromPeer.length === 0) return undefined;
    if (instance.moveOriginatorMessageId !== undefined) {
      const exact = fromPeer.find(
        (r) => r.messageId === instance.moveOriginatorMessageId && (!instance.moveOriginatorAeTitle?.trim() || same(r.originatorAeTitle, instance.moveOriginatorAeTitle)),
      );
      if (exact) return exact;
    }
    const study = instance.studyInstanceUid();
    return study ? fromPeer.find((r) => same(r.studyInstanceUid, study)) : undefined;
  }
}
