/**
 * Sends instances of the local archive to a PACS node (issues #7 and #8: registrations and SUV mappings "optionally
 * sent with STOW-RS"). DICOMweb nodes get a STOW-RS POST, DIMSE nodes one C-STORE per instance (dcmjs-dimse, each
 * on its own association); any other node is refused with a message that says so.
 */
import { getString } from '../../../common/dicom/dicomJson';
import type { SeriesInstanceUid, SopInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';
import type { InstanceStore } from '../store/instanceStore';
import { DicomwebPacsNode } from './dicomweb/dicomwebPacsNode';
import { isSuccessOrWarning } from './dimse/dimseErrors';
import { DimsePacsNode } from './dimse/dimsePacsNode';
import { stowInstances } from './dicomweb/stowClient';
import { PacsError, type PacsNode } from './pacsNode';
import type { AuditSink } from '../audit/auditSink';
import { recordSend } from './sendAudit';

export interface SendRequest {
  studyInstanceUid: string;
  sopInstanceUids: readonly string[];
}

export interface SendOptions {
  /** Records DICOM Instances Transferred (to the node) when the send ends, whatever its outcome. */
  audit?: AuditSink;
}

export interface SendResult {
  nodeId: string;
  nodeName: string;
  /** Instances the node confirmed storing. */
  sent: string[];
  /** Instances not stored there, each with why (not in the local archive, refused by the node, not confirmed). */
  failed: { sopInstanceUid: string; reason: string }[];
}

/** Instances per POST: keeps one request's body to a few hundred MB at most for large series. */
const BATCH = 50;

/** Whether sending to this node can work at all (for the UI's "also send to" choices). */
export function canSendTo(node: PacsNode): boolean {
  return node instanceof DicomwebPacsNode || node instanceof DimsePacsNode;
}

/**
 * Reads the instances from the store and sends them. Throws PacsError when the node cannot be sent to or the
 * upload fails as a whole (unreachable, auth, HTTP error); instances refused one by one are in `failed`.
 */
export async function sendInstances(node: PacsNode, store: InstanceStore, request: SendRequest, signal?: AbortSignal, options: SendOptions = {}): Promise<SendResult> {
  if (!options.audit) return sendNow(node, store, request, signal);
  try {
    const result = await sendNow(node, store, request, signal);
    recordSend(options.audit, node, store, request, result);
    return result;
  } catch (err) {
    recordSend(options.audit, node, store, request, undefined, err);
    throw err;
  }
}

async function sendNow(node: PacsNode, store: InstanceStore, request: SendRequest, signal?: AbortSignal): Promise<SendResult> {
  const { id, name } = node.settings;
  if (!canSendTo(node)) {
    throw new PacsError('refused', id, `${name} does not accept sending from Dokuei: only DICOMweb (STOW-RS) and DIMSE (C-STORE) nodes do`);
  }
  const result: SendResult = { nodeId: id, nodeName: name, sent: [], failed: [] };
  const study = request.studyInstanceUid as StudyInstanceUid;
  const seriesOf = new Map<string, string>();
  for (const ds of store.instances(study) ?? []) {
    const sop = getString(ds, '00080018')?.trim();
    const series = getString(ds, '0020000E')?.trim();
    if (sop && series) seriesOf.set(sop, series);
  }
  const ready: { sop: string; bytes: Uint8Array }[] = [];
  for (const sop of new Set(request.sopInstanceUids)) {
    const series = seriesOf.get(sop);
    const bytes = series ? await store.readInstance(study, series as SeriesInstanceUid, sop as SopInstanceUid) : undefined;
    if (!bytes) result.failed.push({ sopInstanceUid: sop, reason: `not in the local archive (study ${request.studyInstanceUid})` });
    else ready.push({ sop, bytes });
  }
  if (node instanceof DimsePacsNode) {
    // One C-STORE each: an instance the peer refuses is reported and the rest still go; a failed association
    // (unreachable, rejected, timeout) is a PacsError for the whole send, as a failed STOW-RS POST is.
    for (const { sop, bytes } of ready) {
      if (signal?.aborted) throw new PacsError('cancelled', id, `Sending to ${name} cancelled.`);
      const { status, comment } = await node.store(bytes, signal);
      if (isSuccessOrWarning(status)) result.sent.push(sop);
      else result.failed.push({ sopInstanceUid: sop, reason: `${name} refused it (C-STORE status 0x${status.toString(16).padStart(4, '0')}${comment ? `: ${comment}` : ''})` });
    }
    return result;
  }
  for (let i = 0; i < ready.length; i += BATCH) {
    const batch = ready.slice(i, i + BATCH);
    const outcome = await stowInstances((node as DicomwebPacsNode).http, batch.map((b) => b.bytes), signal);
    const stored = new Set(outcome.stored);
    const refused = new Map(outcome.failed.map((f) => [f.sopInstanceUid, f.reason]));
    for (const { sop } of batch) {
      if (stored.has(sop)) result.sent.push(sop);
      else result.failed.push({ sopInstanceUid: sop, reason: refused.get(sop) ?? `${name} did not confirm storing it` });
    }
  }
  return result;
}

/** One sentence for a user: what was sent, and why the rest was not. */
export function describeSend(result: SendResult): string {
  if (result.failed.length === 0) return `Sent ${result.sent.length} instance${result.sent.length === 1 ? '' : 's'} to ${result.nodeName}.`;
  const reasons = result.failed.map((f) => `${f.sopInstanceUid}: ${f.reason}`).join('; ');
  return `${result.nodeName} stored ${result.sent.length} of ${result.sent.length + result.failed.length} instances; not stored: ${reasons}`;
}

/** What a save that also sends reports: whether sending worked, and in words why not. */
export interface SendOutcome extends SendResult {
  ok: boolean;
  message: string;
}

/**
 * Sends after a local save: never throws, so a send failure (node down, refused, unknown node) cannot undo or hide
 * the save that already happened; the outcome says what went wrong.
 */
export async function sendAfterSave(node: PacsNode | undefined, nodeId: string, store: InstanceStore, request: SendRequest, signal?: AbortSignal, options: SendOptions = {}): Promise<SendOutcome> {
  if (!node) return { ok: false, nodeId, nodeName: nodeId, sent: [], failed: request.sopInstanceUids.map((s) => ({ sopInstanceUid: s, reason: 'no such node' })), message: `Saved locally, not sent: no node with id "${nodeId}" is configured.` };
  try {
    const result = await sendInstances(node, store, request, signal, options);
    const ok = result.failed.length === 0;
    return { ...result, ok, message: ok ? describeSend(result) : `Saved locally; sending failed: ${describeSend(result)}` };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, nodeId, nodeName: node.settings.name, sent: [], failed: request.sopInstanceUids.map((s) => ({ sopInstanceUid: s, reason: why })), message: `Saved locally; sending failed: ${why}` };
  }
}
