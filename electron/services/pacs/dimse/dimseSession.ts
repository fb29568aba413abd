/**
 * One DIMSE operation on its own association, with the guarantees dcmjs-dimse's Client lacks:
 * - a connect timeout (the library only sets a socket idle timeout, 3 minutes by default, and on a
 *   network error it half-closes the socket with end(), which never frees a peer that stays silent);
 * - an operation timeout (total for echo/find, inactivity for retrieves);
 * - every failure mapped once to a PacsError naming the node, with the socket's own error code (the library
 *   wraps socket errors in new Errors without it);
 * - the socket destroyed whatever happens, so nothing is left behind after a bad peer;
 * - an association release only after our final response: the library releases as soon as it sees any
 *   non-0xFF00 status, and treats 0xFF01 ("pending, optional keys unsupported") as final.
 *
 * dcmjs-dimse's AsyncEventEmitter2 calls two-argument listeners as (data, next): the C-STORE listener
 * below therefore takes (request, respond) and must call respond exactly once.
 */
import { randomInt } from 'node:crypto';
import type { PacsError } from '../pacsNode';
import { STATUS_CANNOT_UNDERSTAND, STATUS_REFUSED, classifyNetworkError, isPending, pacsError, rejectionError, type NodeIdentity, type Rejection } from './dimseErrors';
import {
  Client,
  CStoreResponse,
  KEEP_RAW_READ_OPTIONS,
  clientNetwork,
  keepRawStoreDatasets,
  type Association,
  type CFindRequestT,
  type CStoreRequestT,
  type DimseRequest,
  type DimseResponse,
} from './dimseLib';

export interface SessionTarget extends NodeIdentity {
  callingAeTitle: string;
  connectTimeoutMs: number;
}

export interface SessionOptions {
  /** "C-FIND", "C-GET", … for messages. */
  operation: string;
  request: DimseRequest;
  /** 'total': the answer must be complete within ms of the association; 'idle': no silence longer than ms. */
  timeout: { kind: 'total' | 'idle'; ms: number };
  /** Every response, pending ones included, before the session settles on the final one. */
  onResponse?: (response: DimseResponse) => void;
  /** Adjusts the proposed presentation contexts just before the A-ASSOCIATE-RQ goes out. */
  configure?: (association: Association) => void;
  /** C-STORE sub-operations on this association (C-GET); resolves with the status to answer. */
  onStore?: (request: CStoreRequestT) => Promise<number>;
  /** Message ID of the request; by default a random one (see randomMessageId). */
  messageId?: number;
}

/** Generous limits for the library's own timers: ours fire first, with better messages. */
const LIBRARY_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** How long to wait for the peer's A-RELEASE-RP before simply closing. */
const RELEASE_GRACE_MS = 2000;

/**
 * A random 16-bit message ID (1–65535). A C-MOVE's instances quote its ID back (moveRouting.ts): sequential
 * IDs would let anyone who saw one predict the next and aim instances at it. Unique per association is all
 * PS3.7 asks; a C-MOVE also avoids the IDs of moves still running to the same node (StoreScp.newMoveMessageId).
 */
export function randomMessageId(): number {
  return randomInt(1, 0x10000);
}

export class DimseSession {
  /** The final response (success, warning, failure or cancel status); rejects with a PacsError. */
  readonly done: Promise<DimseResponse>;
  /** The request's message ID (C-MOVE sub-operations quote it back). */
  readonly messageId: number;
  private settled = false;
  private associated = false;
  private tcpConnected = false;
  private socketError: NodeJS.ErrnoException | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private operationTimer: NodeJS.Timeout | undefined;
  private releaseTimer: NodeJS.Timeout | undefined;
  private resolveDone!: (response: DimseResponse) => void;
  private rejectDone!: (error: PacsError) => void;
  private readonly client = new Client();
  private network: ReturnType<typeof clientNetwork> | undefined;
  private sendRelease: (() => void) | undefined;
  private releaseWanted = false;

  constructor(
    private readonly target: SessionTarget,
    private readonly options: SessionOptions,
  ) {
    this.messageId = options.messageId ?? randomMessageId();
    this.done = new Promise<DimseResponse>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers may only look at `done` after an await; never let a rejection count as unhandled meanwhile.
    this.done.catch(() => {});
    this.start();
  }

  private start(): void {
    const { request } = this.options;
    const client = this.client;
    client.addRequest(request);
    request.on('response', (response: DimseResponse) => this.onResponse(response));
    client.on('associationAccepted', (association: Association) => this.onAccepted(association));
    client.on('associationRejected', (rj: Rejection) => this.fail(rejectionError(this.target, rj, this.target.callingAeTitle)));
    client.on('networkError', (err: unknown) => this.fail(classifyNetworkError(this.target, err, this.socketError, this.associated)));
    client.on('closed', () => this.onClosed());
    client.on('cStoreRequest', (req: CStoreRequestT, respond: (response: InstanceType<typeof CStoreResponse>) => void) => this.onStore(req, respond));

    try {
      client.send(this.target.host, this.target.port, this.target.callingAeTitle, this.target.calledAeTitle, {
        connectTimeout: LIBRARY_TIMEOUT_MS,
        associationTimeout: LIBRARY_TIMEOUT_MS,
        pduTimeout: LIBRARY_TIMEOUT_MS,
        datasetReadOptions: KEEP_RAW_READ_OPTIONS,
      });
      this.hookNetwork();
    } catch (err) {
      this.fail(classifyNetworkError(this.target, err, undefined, false));
      return;
    }
    this.connectTimer = setTimeout(() => this.onConnectTimeout(), this.target.connectTimeoutMs);
  }

  private hookNetwork(): void {
    const network = clientNetwork(this.client);
    this.network = network;
    // Prepended: the library's own error listener reports the failure synchronously, and by then we must
    // already hold the error's code.
    network.socket.prependListener('error', (err: NodeJS.ErrnoException) => (this.socketError ??= err));
    network.socket.prependListener('connect', () => (this.tcpConnected = true));
    // The Client does not pass a peer's A-ABORT on: without this, the user read only "closed the connection".
    (network as unknown as { on(event: 'abort', listener: (a: { source?: number; reason?: number }) => void): void }).on('abort', (a) => this.onPeerAbort(a));
    // The library numbers requests from 1 on every association; start where we want ours to be.
    network.messageId = this.messageId - 1;
    if (this.options.onStore) keepRawStoreDatasets(network);
    const sendAssociationRequest = network.sendAssociationRequest.bind(network);
    network.sendAssociationRequest = (association: Association) => {
      // Runs inside the socket's 'connect' handler: a throw here would be an uncaught exception.
      try {
        this.options.configure?.(association);
        sendAssociationRequest(association);
      } catch (err) {
        this.fail(pacsError(this.target, 'protocol', `could not send our association request: ${err instanceof Error ? err.message : String(err)}`, err));
      }
    };
    const lib = network as unknown as { sendAssociationReleaseRequest: () => void };
    const release = lib.sendAssociationReleaseRequest.bind(network);
    this.sendRelease = release;
    lib.sendAssociationReleaseRequest = () => {
      if (this.settled) release();
      else this.releaseWanted = true;
    };
  }

  private onConnectTimeout(): void {
    if (this.settled || this.associated) return;
    const ms = this.target.connectTimeoutMs;
    if (!this.tcpConnected) {
      this.fail(pacsError(this.target, 'unreachable', `no TCP connection within ${ms} ms. Check the host, the port and any firewall.`));
    } else {
      this.fail(pacsError(this.target, 'timeout', `accepted the TCP connection but did not answer the association request within ${ms} ms.`));
    }
  }

  private onAccepted(association: Association): void {
    if (this.settled) return;
    this.associated = true;
    clearTimeout(this.connectTimer);
    if (!association.getAcceptedPresentationContextFromRequest(this.options.request)) {
      this.fail(pacsError(this.target, 'refused', `does not support ${this.options.operation} (it rejected the presentation context we proposed).`));
      return;
    }
    this.armOperationTimer();
  }

  private armOperationTimer(): void {
    clearTimeout(this.operationTimer);
    const { kind, ms } = this.options.timeout;
    this.operationTimer = setTimeout(() => {
      const what = kind === 'total' ? `did not complete ${this.options.operation} within ${ms} ms` : `sent nothing for ${ms} ms during ${this.options.operation}`;
      this.fail(pacsError(this.target, 'timeout', `${what}.`));
    }, ms);
  }

  /** Activity seen elsewhere (C-MOVE sub-operations on our SCP) keeps an 'idle' timeout from firing. */
  touch(): void {
    if (!this.settled && this.associated && this.options.timeout.kind === 'idle') this.armOperationTimer();
  }

  private onResponse(response: DimseResponse): void {
    if (this.settled) return;
    if (this.options.timeout.kind === 'idle') this.armOperationTimer();
    try {
      this.options.onResponse?.(response);
    } catch (err) {
      this.fail(classifyNetworkError(this.target, err, undefined, true));
      return;
    }
    if (!isPending(response.getStatus())) this.succeed(response);
  }

  private onStore(request: CStoreRequestT, respond: (response: InstanceType<typeof CStoreResponse>) => void): void {
    this.touch();
    const answer = (status: number) => {
      const response = CStoreResponse.fromRequest(request);
      response.setStatus(status);
      try {
        respond(response);
      } catch {
        // The association is gone; the session reports that on its own.
      }
    };
    if (!this.options.onStore) {
      answer(STATUS_REFUSED);
      return;
    }
    this.options.onStore(request).then(answer, () => answer(STATUS_CANNOT_UNDERSTAND));
  }

  /** A-ABORT from the peer (PS3.8 9.3.8): the operation is over, and what it had not finished is lost. */
  private onPeerAbort({ source, reason }: { source?: number; reason?: number }): void {
    if (this.settled) return;
    const by = source === 2 ? 'its DICOM service provider' : source === 0 ? 'the PACS application' : `source ${source ?? '?'}`;
    const when = this.associated ? `during ${this.options.operation}` : 'before accepting the association';
    this.fail(pacsError(this.target, 'protocol', `aborted the association (A-ABORT from ${by}, reason ${reason ?? 0}) ${when}. Try again; if it keeps happening, check the PACS log.`));
  }

  private onClosed(): void {
    clearTimeout(this.releaseTimer);
    if (this.settled) return;
    const when = this.associated ? `during ${this.options.operation}` : 'before answering the association request (not a DICOM port, or it drops unknown callers)';
    this.fail(pacsError(this.target, 'protocol', `closed the connection ${when}.`));
  }

  private succeed(response: DimseResponse): void {
    this.settled = true;
    this.clearTimers();
    this.resolveDone(response);
    // Release politely, then make sure the socket goes even if the peer never answers the release.
    if (this.releaseWanted) this.sendRelease?.();
    this.releaseTimer = setTimeout(() => this.destroySocket(), RELEASE_GRACE_MS);
    this.releaseTimer.unref();
  }

  /**
   * Sends C-CANCEL for the request (the peer then ends it with status 0xFE00). Returns false when there
   * is no association to send it on (not yet accepted, or already over).
   */
  cancel(): boolean {
    if (this.settled || !this.associated) return false;
    try {
      this.client.cancel(this.options.request as CFindRequestT);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the session now with this error: A-ABORT when associated, then the socket is destroyed. */
  fail(error: PacsError): void {
    if (this.settled) return;
    this.settled = true;
    this.clearTimers();
    if (this.associated) {
      try {
        // A-ABORT is a courtesy to the peer: give it a moment to leave, then close regardless.
        this.client.abort();
        this.network?.socket.end();
        this.releaseTimer = setTimeout(() => this.destroySocket(), 200);
        this.releaseTimer.unref();
      } catch {
        this.destroySocket();
      }
    } else {
      this.destroySocket();
    }
    this.rejectDone(error);
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.operationTimer);
  }

  private destroySocket(): void {
    clearTimeout(this.releaseTimer);
    const socket = this.network?.socket;
    if (socket && !socket.destroyed) socket.destroy();
  }
}
