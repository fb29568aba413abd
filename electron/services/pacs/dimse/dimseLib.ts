/**
 * The one place Dokuei touches dcmjs-dimse (0.3.3): it re-exports what the DIMSE node and the SCP use and
 * works around the two things the library does not offer.
 *
 * 1. Raw dataset bytes. The library parses every received dataset with dcmjs and keeps only the parsed,
 *    "naturalized" result. That loses what Dokuei needs: the dcmjs it bundles (0.50) leaves ISO 2022 Japanese
 *    (e.g. "\ISO 2022 IR 87") undecoded, escape sequences and all, and rewrites Specific Character Set to
 *    ISO_IR 192; and re-encoding a parsed instance to store it would change bytes (private tags, odd VRs,
 *    padding). So:
 *    - C-STORE datasets (C-GET sub-operations, and whatever arrives at our SCP) are accumulated by the
 *      library in a stream whose conversion to a Dataset is an overridable method
 *      (createDatasetFromStoreWritableStream). We replace it with one that keeps the bytes and skips parsing.
 *      On the SCP that is a documented override; on the client it is set on the Network object the Client
 *      creates, because Client offers no hook (its `network` field is private, see clientNetwork()).
 *    - C-FIND identifiers are parsed inside Network._processPDataTf with `new Dataset(buffer, ts,
 *      datasetReadOptions)`, with no hook at all. The read options we pass are handed through to
 *      Dataset.prototype._fromElementsBuffer, so we wrap that private method: when our marker option is
 *      present it records the bytes and returns no elements (dcmjs never sees them); without the marker it
 *      behaves exactly as before. rawDatasetsSupported() reports whether the wrap took (a unit test guards
 *      it against library upgrades).
 * 2. Presentation-context roles. Client.addAdditionalPresentationContext drops the SCU/SCP role flags, and
 *    a C-GET SCU must offer the SCP role for every storage class it wants to receive; so callers adjust the
 *    A-ASSOCIATE-RQ in a wrapper around the Network's sendAssociationRequest (see dimseSession.ts).
 *
 * The library logs every PDU through loglevel at trace level unless told otherwise (its `enableAll(false)`
 * enables everything, the argument only means "do not persist"). Errors reach us as events, so it is
 * silenced here; Dokuei is its only user in the process.
 */
import dimse from 'dcmjs-dimse';
import { toPart10 } from './part10Writer';

dimse.log.setLevel('silent');

export const { Client, Dataset, Scp, Server } = dimse;
export const { CEchoRequest, CFindRequest, CGetRequest, CMoveRequest, CStoreRequest } = dimse.requests;
export const { CEchoResponse, CStoreResponse } = dimse.responses;
export const { PresentationContextResult, RejectReason, RejectResult, RejectSource } = dimse.constants;

export type DimseDataset = InstanceType<typeof Dataset>;
export type DimseRequest = InstanceType<typeof dimse.requests.Request>;
export type DimseResponse = InstanceType<typeof dimse.responses.Response>;
export type CEchoRequestT = InstanceType<typeof CEchoRequest>;
export type CEchoResponseT = InstanceType<typeof CEchoResponse>;
export type CFindRequestT = InstanceType<typeof CFindRequest>;
export type CStoreRequestT = InstanceType<typeof dimse.requests.CStoreRequest>;
export type RetrieveResponseT = InstanceType<typeof dimse.responses.CGetResponse> | InstanceType<typeof dimse.responses.CMoveResponse>;
export type Association = InstanceType<typeof dimse.association.Association>;
export type PresentationContext = InstanceType<typeof dimse.association.PresentationContext>;

const KEEP_RAW = 'dokueiKeepRawBytes';
/** datasetReadOptions that make the library hand us the bytes of received (non C-STORE) datasets. */
export const KEEP_RAW_READ_OPTIONS: Record<string, unknown> = Object.freeze({ [KEEP_RAW]: true });

const rawBytes = new WeakMap<object, Buffer>();

/** The bytes a dataset arrived as (in the presentation context's transfer syntax), when we kept them. */
export function rawBytesOf(dataset: DimseDataset | undefined): Buffer | undefined {
  return dataset ? rawBytes.get(dataset) : undefined;
}

/** A Dataset that only carries bytes: nothing is parsed. */
export function rawDataset(bytes: Buffer, transferSyntaxUid: string): DimseDataset {
  const ds = new Dataset({}, transferSyntaxUid);
  rawBytes.set(ds, bytes);
  return ds;
}

type FromElementsBuffer = (this: object, buffer: Buffer, transferSyntaxUid: string, options?: Record<string, unknown>) => Record<string, unknown>;
const datasetProto = Dataset.prototype as unknown as { _fromElementsBuffer?: FromElementsBuffer };
const originalFromElementsBuffer = datasetProto._fromElementsBuffer;
let wrapped = false;
if (typeof originalFromElementsBuffer === 'function') {
  datasetProto._fromElementsBuffer = function (this: object, buffer, transferSyntaxUid, options) {
    if (options && options[KEEP_RAW] === true) {
      rawBytes.set(this, buffer);
      return {};
    }
    return originalFromElementsBuffer.call(this, buffer, transferSyntaxUid, options);
  };
  wrapped = true;
}

type FromP10Buffer = (buffer: Buffer, readOptions?: Record<string, unknown>) => DimseDataset;
const fromP10Buffer = (Dataset as unknown as { _fromP10Buffer?: FromP10Buffer })._fromP10Buffer;

/**
 * A Part 10 file's bytes as a Dataset to C-STORE, in its own transfer syntax. The library reads Part 10 only from a
 * path (Dataset.fromFile); the private static it calls with the file's bytes takes ours the same way.
 */
export function datasetFromPart10(bytes: Uint8Array): DimseDataset {
  if (typeof fromP10Buffer !== 'function') throw new Error('dcmjs-dimse Dataset has no _fromP10Buffer: the library changed; see dimseLib.ts');
  return fromP10Buffer.call(Dataset, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** False when a dcmjs-dimse upgrade removed the private method we wrap: find() then fails loudly. */
export function rawDatasetsSupported(): boolean {
  return wrapped;
}

/** What the library accumulates a C-STORE dataset in (its default memory stream). */
interface BufferingWritable {
  toBuffer(): Buffer;
}

/** The Network a Client created in send(): private in dcmjs-dimse, needed for the hooks above. */
export interface ClientNetwork {
  socket: import('node:net').Socket;
  messageId: number;
  sendAssociationRequest(association: Association): void;
  createDatasetFromStoreWritableStream(writable: unknown, context: PresentationContext, callback: (dataset: DimseDataset) => void): void;
}

export function clientNetwork(client: InstanceType<typeof Client>): ClientNetwork {
  const network = (client as unknown as { network?: ClientNetwork }).network;
  if (!network || typeof network.sendAssociationRequest !== 'function' || !network.socket) {
    throw new Error('dcmjs-dimse Client has no network after send(): the library changed; see dimseLib.ts');
  }
  return network;
}

/** Makes C-STORE datasets received over this network raw byte carriers (see 1. above). */
export function keepRawStoreDatasets(network: { createDatasetFromStoreWritableStream: ClientNetwork['createDatasetFromStoreWritableStream'] }): void {
  network.createDatasetFromStoreWritableStream = (writable, context, callback) => {
    callback(rawDataset((writable as BufferingWritable).toBuffer(), context.getAcceptedTransferSyntaxUid() ?? ''));
  };
}

/** Reads a command element the typings do not declare (the library's getElement is typed as string). */
export function commandElement(command: { getCommandDataset(): DimseDataset }, keyword: string): unknown {
  return command.getCommandDataset().getElement(keyword) as unknown;
}

/**
 * A received C-STORE (its dataset a byte carrier, see keepRawStoreDatasets) as Part 10 bytes, with the SOP
 * class and instance from the command. Throws when there are no bytes or the UIDs are not UIDs.
 */
export function part10FromCStore(request: CStoreRequestT, sourceAeTitle: string): Uint8Array {
  const dataset = request.getDataset();
  const bytes = rawBytesOf(dataset);
  if (!dataset || !bytes) throw new Error('C-STORE without a dataset');
  return toPart10({
    dataset: bytes,
    transferSyntaxUid: dataset.getTransferSyntaxUid(),
    sopClassUid: String(request.getAffectedSopClassUid() ?? ''),
    sopInstanceUid: String(request.getAffectedSopInstanceUid() ?? ''),
    sourceAeTitle,
  });
}
