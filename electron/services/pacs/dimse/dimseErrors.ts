/**
 * Turning what goes wrong on a DIMSE association into PacsErrors a user can act on: each message names the
 * node (name, AE title, address) and says what to check.
 */
import { PacsError, type PacsErrorKind } from '../pacsNode';

export interface NodeIdentity {
  id: string;
  name: string;
  host: string;
  port: number;
  calledAeTitle: string;
}

export function nodeLabel(node: NodeIdentity): string {
  return `${node.name} (${node.calledAeTitle} at ${node.host}:${node.port})`;
}

export function pacsError(node: NodeIdentity, kind: PacsErrorKind, what: string, cause?: unknown): PacsError {
  return new PacsError(kind, node.id, `${nodeLabel(node)}: ${what}`, cause === undefined ? undefined : { cause });
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'EHOSTDOWN']);
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * A failure reported by the library's networkError event. dcmjs-dimse wraps socket errors in a new Error
 * (losing err.code), so callers pass the socket's own error when they saw one.
 * `associated` says whether the peer had accepted the association.
 */
export function classifyNetworkError(node: NodeIdentity, err: unknown, socketError: NodeJS.ErrnoException | undefined, associated: boolean): PacsError {
  if (err instanceof PacsError) return err;
  const code = socketError?.code;
  if (code && UNREACHABLE_CODES.has(code) && !associated) {
    const hint = code === 'ECONNREFUSED' ? 'nothing listens on that port' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve' : 'the host cannot be reached';
    return pacsError(node, 'unreachable', `cannot connect (${code}: ${hint}). Check the host, the port and that the PACS is running.`, socketError);
  }
  if (code && DROPPED_CODES.has(code)) {
    return pacsError(node, 'protocol', `the peer dropped the connection (${code}) ${associated ? 'in the middle of an operation' : 'before answering the association request'}.`, socketError);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/timeout/i.test(message)) return pacsError(node, 'timeout', `stopped answering (${stripLogId(message)}).`, err);
  if (socketError) return pacsError(node, 'unreachable', `network error: ${socketError.message}`, socketError);
  return pacsError(
    node,
    'protocol',
    `sent a malformed DICOM message (${stripLogId(message)}). Is this port a DICOM (DIMSE) service, and not e.g. HTTP or TLS?`,
    err,
  );
}

/** "ORTHANC -> Connection error: Unknown PDU type: 72" → "Unknown PDU type: 72 (0x48)". */
function stripLogId(message: string): string {
  const text = message.replace(/^[^>]*-> /, '').replace(/^Connection error: /, '').trim();
  return text.replace(/Unknown PDU type: (\d+)/, (all, n: string) => `${all} (0x${Number(n).toString(16).padStart(2, '0')})`);
}

export interface Rejection {
  result: number;
  source: number;
  reason: number;
}

/** A-ASSOCIATE-RJ: PS3.8 9.3.4 result/source/reason, explained. */
export function rejectionError(node: NodeIdentity, rj: Rejection, callingAeTitle: string): PacsError {
  const permanence = rj.result === 2 ? 'temporarily' : 'permanently';
  let why = `source ${rj.source}, reason ${rj.reason}`;
  if (rj.source === 1) {
    if (rj.reason === 3) why = `our calling AE title "${callingAeTitle}" is not known to it; register it (with this computer's address) on the PACS`;
    else if (rj.reason === 7) why = `the called AE title "${node.calledAeTitle}" is wrong; check the node's AE title`;
    else if (rj.reason === 2) why = 'application context not supported';
    else why = 'no reason given (often: our AE title or address is not allowed)';
  } else if (rj.source === 2) {
    why = rj.reason === 2 ? 'protocol version not supported' : 'no reason given by its ACSE layer';
  } else if (rj.source === 3) {
    why = rj.reason === 1 ? 'temporary congestion; try again later' : 'its association limit is exceeded; try again later';
  }
  return pacsError(node, 'refused', `${permanence} rejected the association: ${why}.`);
}

/** DIMSE status words (PS3.7 Annex C, PS3.4 C.4) for messages. */
export function describeStatus(status: number): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
  if (status === 0xfe00) return `${hex} cancelled`;
  if (status === 0xa801) return `${hex} move destination unknown`;
  if (status === 0xa701 || status === 0xa702) return `${hex} out of resources (sub-operations)`;
  if ((status & 0xff00) === 0xa700) return `${hex} out of resources`;
  if (status === 0xa900) return `${hex} identifier does not match SOP class`;
  if ((status & 0xf000) === 0xc000) return `${hex} unable to process`;
  if (status === 0x0122) return `${hex} SOP class not supported`;
  if (status === 0x0124) return `${hex} not authorized`;
  if (status === 0x0211) return `${hex} unrecognized operation`;
  if (status === 0x0110) return `${hex} processing failure`;
  if (status === 0xb000) return `${hex} some sub-operations failed`;
  return hex;
}

export const STATUS_SUCCESS = 0x0000;
/**
 * C-STORE "Refused: out of resources" (PS3.4 B.2.3): what we answer once the retrieve was cancelled, when
 * nothing awaits the instance, and when the sink failed for a system reason (disk full, permissions).
 */
export const STATUS_REFUSED = 0xa700;
/** C-STORE "Error: cannot understand": the sink rejected the instance itself (not a readable DICOM file). */
export const STATUS_CANNOT_UNDERSTAND = 0xc000;

/** The C-STORE status for a sink failure: system errors (errno codes) are ours, the rest the data's. */
export function sinkFailureStatus(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? STATUS_REFUSED : STATUS_CANNOT_UNDERSTAND;
}

export function isPending(status: number): boolean {
  return status === 0xff00 || status === 0xff01;
}

/** Statuses after which the operation has ended without failure (success, or warnings). */
export function isSuccessOrWarning(status: number): boolean {
  return status === 0 || status === 0x0001 || (status & 0xf000) === 0xb000;
}

/** The failure of a DIMSE operation the peer answered with a final failure status. */
export function statusError(node: NodeIdentity, operation: string, status: number, comment: string | undefined): PacsError {
  const extra = comment?.trim() ? ` ("${comment.trim()}")` : '';
  const hint = status === 0xa801 ? ' — the PACS does not know our SCP: register its AE title, address and port on the PACS' : '';
  const kind: PacsErrorKind = status === 0x0124 ? 'auth' : 'refused';
  return pacsError(node, kind, `${operation} failed with status ${describeStatus(status)}${extra}${hint}.`);
}
