/**
 * Which C-MOVE in progress an instance arriving at our SCP belongs to, and whether it is one that move asked for.
 *
 * A C-MOVE's instances come over a separate association the PACS opens to us. The PACS should copy the
 * Move Originator AE title and Message ID (0000,1030/1031) into each C-STORE (PS3.7 9.3.1.1); our C-MOVE
 * message IDs are random (dimseSession.ts), so a third party cannot aim at a running move by counting. Peers
 * that leave those fields out are matched by the instance itself: the move whose scope contains it.
 *
 * Either way the instance must lie inside the move's scope, the identifier we sent: its study, and its series
 * and SOP instances when the move named them. A message ID is only a hint from the network; the scope check is
 * what keeps an instance of another patient's study from being filed as the one the reader asked for.
 */

/** What one C-MOVE asked for: its identifier's UIDs (Study Root). */
export interface MoveScope {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  sopInstanceUids?: readonly string[];
}

export interface MoveReceiver {
  /** AE title the PACS calls us with (the node's own AE title). */
  peerAeTitle: string;
  /** Our calling AE title on the C-MOVE association. */
  originatorAeTitle: string;
  messageId: number;
  scope: MoveScope;
  /** Stores the instance; resolves with the C-STORE status to answer (and why, when it failed). */
  accept(part10: Uint8Array): Promise<number | { status: number; comment?: string }>;
}

/** The UIDs of an arriving instance, as its dataset and C-STORE command give them. */
export interface InstanceIdentity {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  /** The command's Affected SOP Instance UID and the dataset's SOP Instance UID (both must be in scope). */
  sopInstanceUids: readonly string[];
}

export interface IncomingInstance {
  callingAeTitle: string;
  moveOriginatorAeTitle?: string;
  moveOriginatorMessageId?: number;
  /** Read only when a move from this peer is running (it parses the dataset). */
  identity: () => InstanceIdentity;
}

export type Route =
  | { kind: 'accept'; receiver: MoveReceiver }
  /** A move from this peer is running, but the instance is not part of it (or of any other). */
  | { kind: 'outside-move'; reason: string }
  /** Nothing from this peer is expected. */
  | { kind: 'no-move' };

const same = (a: string | undefined, b: string | undefined) => (a ?? '').trim() === (b ?? '').trim();

/** Why the instance is outside the scope, or undefined when it is inside. */
export function outsideScope(scope: MoveScope, instance: InstanceIdentity): string | undefined {
  if (!instance.studyInstanceUid) return 'its Study Instance UID cannot be read';
  if (instance.studyInstanceUid !== scope.studyInstanceUid) return `it belongs to study ${instance.studyInstanceUid}, not ${scope.studyInstanceUid}, which the C-MOVE asked for`;
  if (scope.seriesInstanceUid && instance.seriesInstanceUid !== scope.seriesInstanceUid) {
    return `it belongs to series ${instance.seriesInstanceUid ?? '(none)'}, not ${scope.seriesInstanceUid}, which the C-MOVE asked for`;
  }
  if (scope.sopInstanceUids?.length) {
    const stray = instance.sopInstanceUids.find((u) => !scope.sopInstanceUids!.includes(u));
    if (stray !== undefined || instance.sopInstanceUids.length === 0) return `instance ${stray ?? '(no UID)'} is not one of the ${scope.sopInstanceUids.length} the C-MOVE asked for`;
  }
  return undefined;
}

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

  /** Whether a move to this peer already uses the message ID (a new move must pick another). */
  inUse(peerAeTitle: string, messageId: number): boolean {
    return [...this.receivers].some((r) => r.messageId === messageId && same(r.peerAeTitle, peerAeTitle));
  }

  route(instance: IncomingInstance): Route {
    const fromPeer = [...this.receivers].filter((r) => same(r.peerAeTitle, instance.callingAeTitle));
    if (fromPeer.length === 0) return { kind: 'no-move' };
    const identity = instance.identity();
    if (instance.moveOriginatorMessageId !== undefined) {
      const exact = fromPeer.find(
        (r) => r.messageId === instance.moveOriginatorMessageId && (!instance.moveOriginatorAeTitle?.trim() || same(r.originatorAeTitle, instance.moveOriginatorAeTitle)),
      );
      if (exact) {
        // The peer says which move this is: it must be inside that move, not merely inside some move.
        const reason = outsideScope(exact.scope, identity);
        return reason ? { kind: 'outside-move', reason } : { kind: 'accept', receiver: exact };
      }
    }
    const receiver = fromPeer.find((r) => outsideScope(r.scope, identity) === undefined);
    if (receiver) return { kind: 'accept', receiver };
    const reason =
      fromPeer.length === 1
        ? outsideScope(fromPeer[0]!.scope, identity)!
        : `it is in none of the ${fromPeer.length} C-MOVEs in progress from this node (study ${identity.studyInstanceUid ?? 'unreadable'})`;
    return { kind: 'outside-move', reason };
  }
}
