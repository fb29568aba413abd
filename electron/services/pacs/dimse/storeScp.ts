/**
 * Dokuei's own C-STORE SCP: the destination of C-MOVE. It accepts associations only from the AE titles of
 * configured DIMSE nodes (anything else is rejected with "calling AE not recognized" and a log line), and
 * hands each instance to the C-MOVE in progress it belongs to (moveRouting.ts). An instance nobody waits
 * for, or one the sink cannot store, is answered with a failure status: the PACS then reports it failed.
 *
 * dcmjs-dimse's Server is class-based: it constructs our Scp subclass per connection with the options given
 * to listen(); `customOptions` carries the owning StoreScp to it. The library's Server binds all interfaces
 * (listen(port) has no host) — right for an SCP the PACS must reach; it also exposes no bound port, so we
 * read it from its private net.Server. Datasets are kept as the bytes that arrived (dimseLib.ts).
 */
import type { Server as NetServer, Socket } from 'node:net';
import dicomParser from 'dicom-parser';
import type { LocalScpSettings, NodeSettings } from '../../settings/settings';
import {
  CEchoResponse,
  CStoreResponse,
  PresentationContextResult,
  RejectReason,
  RejectResult,
  RejectSource,
  Scp,
  Server,
  commandElement,
  part10FromCStore,
  rawDataset,
  type Association,
  type CEchoRequestT,
  type CEchoResponseT,
  type CStoreRequestT,
  type DimseDataset,
  type PresentationContext,
} from './dimseLib';
import { MoveRouter, type MoveReceiver } from './moveRouting';
import { STATUS_CANNOT_UNDERSTAND, STATUS_REFUSED } from './dimseErrors';
import { chooseScpSyntax, isStorageSopClass, UNCOMPRESSED_SYNTAXES } from './sopClasses';

const VERIFICATION = '1.2.840.10008.1.1';

export interface StoreScpOptions {
  settings: Pick<LocalScpSettings, 'aeTitle' | 'port'>;
  /** AE titles allowed to call us: the configured DIMSE nodes (read at each association, so edits apply). */
  allowedCallingAeTitles: () => Iterable<string>;
  log?: (message: string) => void;
}

/** The AE titles of the enabled DIMSE nodes: who may send to our SCP. */
export function dimsePeerAeTitles(nodes: readonly NodeSettings[]): string[] {
  return nodes.flatMap((n) => (n.kind === 'dimse' && n.enabled ? [n.calledAeTitle] : []));
}

interface ConnectionOptions {
  customOptions?: { owner?: StoreScp };
}

export class StoreScp {
  private server: InstanceType<typeof Server> | undefined;
  private boundPort: number | undefined;
  private readonly router = new MoveRouter();
  readonly aeTitle: string;

  constructor(private readonly options: StoreScpOptions) {
    this.aeTitle = options.settings.aeTitle;
  }

  /** The port we listen on (the kernel's pick when settings say 0). Throws before start(). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('StoreScp is not started');
    return this.boundPort;
  }

  log(message: string): void {
    this.options.log?.(`C-STORE SCP ${this.aeTitle}${this.boundPort !== undefined ? `:${this.boundPort}` : ''}: ${message}`);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new Server(StoreScpConnection);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.on('listening', () => resolve());
      // Before 'listening' a networkError is the bind failing (port in use); after, a connection's trouble.
      server.on('networkError', (err: Error) => {
        if (this.boundPort === undefined) reject(new Error(`C-STORE SCP ${this.aeTitle} cannot listen on port ${this.options.settings.port}: ${err.message}`));
        else this.log(`connection error: ${err.message}`);
      });
      server.listen(this.options.settings.port, { customOptions: { owner: this } });
    }).catch((err: unknown) => {
      this.server = undefined;
      throw err;
    });
    const address = this.netServer()?.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.options.settings.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const net = this.netServer(server);
    const closed = net?.listening ? new Promise<void>((resolve) => net.once('close', () => resolve())) : Promise.resolve();
    server.close();
    await closed;
    this.boundPort = undefined;
  }

  private netServer(server = this.server): NetServer | undefined {
    return (server as unknown as { server?: NetServer } | undefined)?.server;
  }

  /** Routes the instances of one C-MOVE here until the returned function is called. */
  expectMove(receiver: MoveReceiver): () => void {
    return this.router.register(receiver);
  }

  isAllowed(callingAeTitle: string): boolean {
    const aet = callingAeTitle.trim();
    for (const allowed of this.options.allowedCallingAeTitles()) if (allowed.trim() === aet) return true;
    return false;
  }

  /** One C-STORE: the status to answer, and a comment when it is a failure. */
  async store(request: CStoreRequestT, callingAeTitle: string): Promise<{ status: number; comment?: string }> {
    let part10: Uint8Array;
    try {
      part10 = part10FromCStore(request, callingAeTitle);
    } catch (err) {
      return { status: STATUS_CANNOT_UNDERSTAND, comment: (err as Error).message };
    }
    const originatorId = commandElement(request, 'MoveOriginatorMessageID');
    const receiver = this.router.route({
      callingAeTitle,
      moveOriginatorAeTitle: stringOrUndefined(commandElement(request, 'MoveOriginatorApplicationEntityTitle')),
      moveOriginatorMessageId: typeof originatorId === 'number' ? originatorId : undefined,
      studyInstanceUid: () => studyUidOf(part10),
    });
    if (!receiver) {
      this.log(`refused instance ${request.getAffectedSopInstanceUid()} from ${callingAeTitle}: no retrieve in progress awaits it`);
      return { status: STATUS_REFUSED, comment: 'No retrieve in progress awaits this instance' };
    }
    const status = await receiver.accept(part10);
    return status === 0 ? { status } : { status, comment: 'Dokuei could not store the instance' };
  }
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function studyUidOf(part10: Uint8Array): string | undefined {
  try {
    return dicomParser.parseDicom(part10, { untilTag: 'x0020000e' } as dicomParser.ParseDicomOptions).string('x0020000d')?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** One incoming association (dcmjs-dimse creates one per connection). */
class StoreScpConnection extends Scp {
  private readonly owner: StoreScp;
  private callingAeTitle = '';

  constructor(socket: Socket, opts?: ConnectionOptions) {
    super(socket, opts);
    const owner = opts?.customOptions?.owner;
    if (!owner) throw new Error('StoreScpConnection needs its StoreScp in customOptions.owner');
    this.owner = owner;
  }

  private get remote(): string {
    const socket = (this as unknown as { socket?: Socket }).socket;
    // We listen on all interfaces (dual stack): show IPv4 peers as IPv4.
    return socket?.remoteAddress?.replace(/^::ffff:/, '') ?? 'unknown address';
  }

  override associationRequested(association: Association): void {
    const calling = association.getCallingAeTitle().trim();
    const called = association.getCalledAeTitle().trim();
    this.callingAeTitle = calling;
    if (!this.owner.isAllowed(calling)) {
      this.owner.log(`refused association from calling AE "${calling}" at ${this.remote}: not a configured DIMSE node`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
      return;
    }
    if (called !== this.owner.aeTitle.trim()) {
      this.owner.log(`refused association from "${calling}" at ${this.remote}: it called AE "${called}", we are "${this.owner.aeTitle}"`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
      return;
    }
    for (const { id } of association.getPresentationContexts()) {
      const context: PresentationContext = association.getPresentationContext(id);
      const abstract = context.getAbstractSyntaxUid();
      const proposed = context.getTransferSyntaxUids();
      const syntax = abstract === VERIFICATION ? proposed.find((ts) => UNCOMPRESSED_SYNTAXES.includes(ts)) : isStorageSopClass(abstract) ? chooseScpSyntax(proposed) : undefined;
      if (syntax) context.setResult(PresentationContextResult.Accept, syntax);
      else if (abstract === VERIFICATION || isStorageSopClass(abstract)) context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      else context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
    }
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override cEchoRequest(request: CEchoRequestT, callback: (response: CEchoResponseT) => void): void {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(0);
    callback(response);
  }

  override cStoreRequest(request: CStoreRequestT, callback: (response: InstanceType<typeof CStoreResponse>) => void): void {
    this.owner.store(request, this.callingAeTitle).then(
      ({ status, comment }) => {
        const response = CStoreResponse.fromRequest(request);
        response.setStatus(status);
        if (comment) response.setErrorComment(comment.slice(0, 64));
        callback(response);
      },
      (err: unknown) => {
        this.owner.log(`C-STORE failed: ${err instanceof Error ? err.message : String(err)}`);
        const response = CStoreResponse.fromRequest(request);
        response.setStatus(STATUS_CANNOT_UNDERSTAND);
        callback(response);
      },
    );
  }

  /** Keeps the bytes as received instead of parsing them (see dimseLib.ts). */
  override createDatasetFromStoreWritableStream(writable: unknown, context: PresentationContext, callback: (dataset: DimseDataset) => void): void {
    callback(rawDataset((writable as { toBuffer(): Buffer }).toBuffer(), context.getAcceptedTransferSyntaxUid() ?? ''));
  }

  override cCancelRequest(): void {
    // Nothing to cancel: C-STOREs are answered one at a time.
  }

  override abort(): void {
    this.owner.log(`association from "${this.callingAeTitle}" aborted by the peer`);
  }
}
