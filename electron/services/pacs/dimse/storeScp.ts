/**
 * Dokuei's own C-STORE SCP: the destination of C-MOVE. Three gates, each refusal logged and the security-
 * relevant ones reported through onSecurityAlert (wired to the audit log by whoever builds the services):
 * - where it listens: one local address (bindAddress.ts), not every interface unless the user says so;
 *   optionally DICOM TLS only (PS3.15 Annex B), with or without client certificates;
 * - who may associate: a configured DIMSE node's AE title calling from that node's host (scpPeers.ts);
 *   anyone else gets A-ASSOCIATE-RJ "calling AE title not recognized";
 * - what may be stored: an instance inside the scope of a C-MOVE in progress from that node (moveRouting.ts).
 *   Anything else is answered with a failure status and never reaches the archive.
 *
 * The listening socket is ours, not dcmjs-dimse's Server: that one binds every interface (its listen() takes
 * only a port) and hides its net.Server. Each connection is handed to a subclass of the library's Scp, as the
 * library's Server would do. Datasets are kept as the bytes that arrived (dimseLib.ts).
 */
import { readFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import dicomParser from 'dicom-parser';
import type { LocalScpSettings, LocalScpTlsSettings } from '../../settings/settings';
import { chooseBindAddress, type LocalAddressProbe } from './bindAddress';
import {
  CEchoResponse,
  CStoreResponse,
  PresentationContextResult,
  RejectReason,
  RejectResult,
  RejectSource,
  Scp,
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
import { MoveRouter, type InstanceIdentity, type MoveReceiver } from './moveRouting';
import { STATUS_CANNOT_UNDERSTAND, STATUS_REFUSED } from './dimseErrors';
import { randomMessageId } from './dimseSession';
import { PeerAddressBook, canonicalAddress, type HostLookup, type ScpPeer } from './scpPeers';
import { chooseScpSyntax, isStorageSopClass, UNCOMPRESSED_SYNTAXES } from './sopClasses';

const VERIFICATION = '1.2.840.10008.1.1';

/**
 * The answer to an instance outside the C-MOVE in progress. PS3.4 B.2.3 gives a Storage SCP three failure
 * ranges: A7xx "Refused: Out of Resources" (says "try again later": wrong, the instance will never be welcome),
 * A9xx "Data Set does not match SOP Class" (about the dataset's content, not where it came from) and Cxxx
 * "Cannot understand", the general failure. So Cxxx, with the reason in Error Comment (0000,0902).
 */
export const STATUS_NOT_IN_MOVE = STATUS_CANNOT_UNDERSTAND;

/** What the SCP refused, for the audit log (PS3.15 A.5.3.11 Security Alert). */
export type ScpSecurityAlert =
  | { kind: 'association-refused'; callingAe: string; address: string; reason: string }
  | { kind: 'instance-refused'; callingAe: string; address: string; sopInstanceUid: string; studyInstanceUid?: string; reason: string };

export interface StoreScpOptions {
  settings: Pick<LocalScpSettings, 'aeTitle' | 'port'> & Partial<Pick<LocalScpSettings, 'bindAddress' | 'tls'>>;
  /** Who may call us: the configured DIMSE nodes (dimsePeers), read at each association. */
  peers: () => readonly ScpPeer[];
  log?: (message: string) => void;
  /** Called for each refused association and each refused instance (after it is logged). */
  onSecurityAlert?: (alert: ScpSecurityAlert) => void;
  /** Host name resolution; the system resolver by default. */
  lookup?: HostLookup;
  /** The route lookup behind the default bind address (bindAddress.ts). */
  probe?: LocalAddressProbe;
}

interface ConnectionOptions {
  customOptions?: { owner?: StoreScp };
}

export class StoreScp {
  private server: NetServer | undefined;
  private boundPort: number | undefined;
  private boundAddress: string | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly router = new MoveRouter();
  private readonly addressBook: PeerAddressBook;
  readonly aeTitle: string;

  constructor(private readonly options: StoreScpOptions) {
    this.aeTitle = options.settings.aeTitle;
    this.addressBook = new PeerAddressBook(options.lookup);
  }

  /** The port we listen on (the kernel's pick when settings say 0). Throws before start(). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('StoreScp is not started');
    return this.boundPort;
  }

  /** The local address we listen on. Throws before start(). */
  get address(): string {
    if (this.boundAddress === undefined) throw new Error('StoreScp is not started');
    return this.boundAddress;
  }

  log(message: string): void {
    this.options.log?.(`C-STORE SCP ${this.aeTitle}${this.boundPort !== undefined ? `:${this.boundPort}` : ''}: ${message}`);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { settings } = this.options;
    const peers = this.options.peers();
    // Resolved once, now (see scpPeers.ts); the default bind address needs the addresses too.
    for (const line of await this.addressBook.resolve(peers.map((p) => p.host))) this.log(line);
    const choice = await chooseBindAddress(
      settings.bindAddress,
      peers.map((p) => ({ name: p.name, addresses: this.addressBook.addressesOf(p.host) ?? [] })),
      this.options.probe,
    );
    const tls = settings.tls ? await tlsOptions(settings.tls, this.aeTitle) : undefined;
    const onConnection = (socket: Socket) => this.onConnection(socket);
    const server = tls ? createTlsServer(tls, onConnection) : createNetServer(onConnection);
    // Every TCP connection, TLS handshakes in progress included, so that stop() can end them all.
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    if (tls) {
      server.on('tlsClientError', (err: Error, socket: Socket) => {
        this.log(`refused a connection from ${canonicalAddress(socket.remoteAddress ?? 'an unknown address')}: its TLS handshake failed (${err.message}); this SCP accepts DICOM TLS only`);
      });
    }
    const where = `${choice.address} port ${settings.port}`;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: choice.address, port: settings.port }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'EADDRNOTAVAIL'
          ? ` (${choice.address} is not an address of this computer: check localScp.bindAddress)`
          : err.code === 'EADDRINUSE'
            ? ' (another program uses that port: change localScp.port)'
            : '';
      throw new Error(`C-STORE SCP ${this.aeTitle} cannot listen on ${where}: ${err.message}${hint}`, { cause: err });
    });
    server.on('error', (err) => this.log(`listening socket error: ${err.message}`));
    this.server = server;
    this.boundAddress = choice.address;
    this.boundPort = (server.address() as AddressInfo).port;
    for (const note of choice.notes) this.log(note);
    const mode = tls ? `DICOM TLS only${tls.requestCert ? ', client certificate required' : ''}` : 'plain TCP, no TLS';
    this.log(`listening on ${choice.address} port ${this.boundPort} (${mode})`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.boundPort = undefined;
    this.boundAddress = undefined;
  }

  private onConnection(socket: Socket): void {
    const connection = new StoreScpConnection(socket, { customOptions: { owner: this } });
    // As the library's Server does: marks the connection live for the library's idle timers.
    (connection as unknown as { connected: boolean }).connected = true;
    connection.on('networkError', (err: Error) => {
      socket.destroy();
      this.log(`connection error: ${err.message}`);
    });
  }

  /** Routes the instances of one C-MOVE here until the returned function is called. */
  expectMove(receiver: MoveReceiver): () => void {
    return this.router.register(receiver);
  }

  /** A random message ID for a new C-MOVE to this peer, not used by a move to it still running. */
  newMoveMessageId(peerAeTitle: string): number {
    for (;;) {
      const id = randomMessageId();
      if (!this.router.inUse(peerAeTitle, id)) return id;
    }
  }

  /** Whether a caller may associate (see scpPeers.ts). */
  admit(callingAeTitle: string, address: string): ReturnType<PeerAddressBook['admit']> {
    return this.addressBook.admit(this.options.peers(), callingAeTitle, address);
  }

  /** Logs a refusal and reports it; a failing alert listener must not take the SCP down. */
  securityAlert(alert: ScpSecurityAlert): void {
    const what = alert.kind === 'association-refused' ? 'association' : `instance ${alert.sopInstanceUid}`;
    this.log(`refused ${what} from calling AE "${alert.callingAe}" at ${alert.address}: ${alert.reason}`);
    try {
      this.options.onSecurityAlert?.(alert);
    } catch (err) {
      this.log(`security alert listener failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** One C-STORE: the status to answer, and a comment when it is a failure. */
  async store(request: CStoreRequestT, callingAeTitle: string, address: string): Promise<{ status: number; comment?: string }> {
    let part10: Uint8Array;
    try {
      part10 = part10FromCStore(request, callingAeTitle);
    } catch (err) {
      return { status: STATUS_CANNOT_UNDERSTAND, comment: (err as Error).message };
    }
    const sopInstanceUid = String(request.getAffectedSopInstanceUid() ?? '');
    const originatorId = commandElement(request, 'MoveOriginatorMessageID');
    let identity: InstanceIdentity | undefined;
    const route = this.router.route({
      callingAeTitle,
      moveOriginatorAeTitle: stringOrUndefined(commandElement(request, 'MoveOriginatorApplicationEntityTitle')),
      moveOriginatorMessageId: typeof originatorId === 'number' ? originatorId : undefined,
      identity: () => (identity = identityOf(part10, sopInstanceUid)),
    });
    if (route.kind === 'no-move') {
      this.log(`refused instance ${sopInstanceUid} from ${callingAeTitle}: no retrieve in progress awaits it`);
      return { status: STATUS_REFUSED, comment: 'No retrieve in progress awaits this instance' };
    }
    if (route.kind === 'outside-move') {
      const study = identity?.studyInstanceUid;
      this.securityAlert({ kind: 'instance-refused', callingAe: callingAeTitle, address, sopInstanceUid, ...(study ? { studyInstanceUid: study } : {}), reason: `not part of the C-MOVE in progress: ${route.reason}` });
      return { status: STATUS_NOT_IN_MOVE, comment: 'Instance is not part of the C-MOVE in progress' };
    }
    const answer = await route.receiver.accept(part10);
    const { status, comment } = typeof answer === 'number' ? { status: answer, comment: undefined } : answer;
    return status === 0 ? { status } : { status, comment: comment ?? 'Dokuei could not store the instance' };
  }
}

async function tlsOptions(settings: LocalScpTlsSettings, aeTitle: string): Promise<TlsOptions> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new Error(`C-STORE SCP ${aeTitle} cannot read its TLS ${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const options: TlsOptions = {
    cert: await read(settings.certFile, 'certificate'),
    key: await read(settings.keyFile, 'private key'),
    // BCP 195, which the DICOM TLS profiles follow: TLS 1.2 or later.
    minVersion: 'TLSv1.2',
  };
  if (settings.caFile) {
    options.ca = await read(settings.caFile, 'client CA certificate');
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The UIDs that decide whether an instance belongs to a move (the dataset is parsed up to Series Instance UID). */
function identityOf(part10: Uint8Array, commandSopInstanceUid: string): InstanceIdentity {
  const sopInstanceUids = commandSopInstanceUid ? [commandSopInstanceUid] : [];
  try {
    const ds = dicomParser.parseDicom(part10, { untilTag: 'x0020000e' } as dicomParser.ParseDicomOptions);
    const read = (tag: string) => ds.string(tag)?.replace(/\0/g, '').trim() || undefined;
    const datasetSop = read('x00080018');
    if (datasetSop && !sopInstanceUids.includes(datasetSop)) sopInstanceUids.push(datasetSop);
    const study = read('x0020000d');
    const series = read('x0020000e');
    return { sopInstanceUids, ...(study ? { studyInstanceUid: study } : {}), ...(series ? { seriesInstanceUid: series } : {}) };
  } catch {
    return { sopInstanceUids };
  }
}

/** One incoming association (constructed per connection by StoreScp.onConnection). */
class StoreScpConnection extends Scp {
  private readonly owner: StoreScp;
  private readonly peerAddress: string;
  private callingAeTitle = '';

  constructor(socket: Socket, opts?: ConnectionOptions) {
    super(socket, opts);
    const owner = opts?.customOptions?.owner;
    if (!owner) throw new Error('StoreScpConnection needs its StoreScp in customOptions.owner');
    this.owner = owner;
    this.peerAddress = socket.remoteAddress ? canonicalAddress(socket.remoteAddress) : 'an unknown address';
  }

  override associationRequested(association: Association): void {
    const calling = association.getCallingAeTitle().trim();
    const called = association.getCalledAeTitle().trim();
    this.callingAeTitle = calling;
    this.owner.admit(calling, this.peerAddress).then(
      (admission) => {
        if (!admission.ok) {
          this.owner.securityAlert({ kind: 'association-refused', callingAe: calling, address: this.peerAddress, reason: admission.reason });
          this.refuse(RejectResult.Permanent, RejectReason.CallingAeNotRecognized);
          return;
        }
        if (called !== this.owner.aeTitle.trim()) {
          this.owner.log(`refused association from "${calling}" at ${this.peerAddress}: it called AE "${called}", we are "${this.owner.aeTitle}"`);
          this.refuse(RejectResult.Permanent, RejectReason.CalledAeNotRecognized);
          return;
        }
        this.acceptAssociation(association);
      },
      (err: unknown) => {
        this.owner.log(`could not check the association from "${calling}" at ${this.peerAddress}: ${err instanceof Error ? err.message : String(err)}`);
        this.refuse(RejectResult.Transient, RejectReason.NoReasonGiven);
      },
    );
  }

  private refuse(result: number, reason: number): void {
    try {
      this.sendAssociationReject(result, RejectSource.ServiceUser, reason);
    } catch {
      // The caller left while we were checking it.
    }
  }

  private acceptAssociation(association: Association): void {
    for (const { id } of association.getPresentationContexts()) {
      const context: PresentationContext = association.getPresentationContext(id);
      const abstract = context.getAbstractSyntaxUid();
      const proposed = context.getTransferSyntaxUids();
      const syntax = abstract === VERIFICATION ? proposed.find((ts) => UNCOMPRESSED_SYNTAXES.includes(ts)) : isStorageSopClass(abstract) ? chooseScpSyntax(proposed) : undefined;
      if (syntax) context.setResult(PresentationContextResult.Accept, syntax);
      else if (abstract === VERIFICATION || isStorageSopClass(abstract)) context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      else context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
    }
    try {
      this.sendAssociationAccept();
    } catch {
      // The caller left while we were checking it.
    }
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
    this.owner.store(request, this.callingAeTitle, this.peerAddress).then(
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
