/**
 * STOW-RS (PS3.18 §10.5) into the local store: `POST {base}/studies` or `{base}/studies/{study}` with a
 * `multipart/related; type="application/dicom"` body. The body is parsed as a stream, one part at a time
 * (only the part being received is held), and each part is put in the store as it completes. A part over a few
 * MB (spoolAboveBytes) is not held in memory while it arrives: it goes to a temp file encrypted under a key of
 * this request only (stowSpool.ts), deleted when the request ends, error or not.
 *
 * Status: 200 every instance stored (duplicates count as stored), 202 some failed, 409 none stored,
 * 400 a malformed or truncated body, 413 over a limit, 415 another content type.
 *
 * The answer is a DICOM JSON dataset with ReferencedSOPSequence (0008,1199) and FailedSOPSequence
 * (0008,1198, each item with FailureReason 0008,1197). For the UI, which needs a reason it can show per
 * file, Dokuei adds documented private attributes under private creator "DOKUEI STOW" in group 0009
 * (block 0x10, so the tags read 0009,10xx):
 *   (0009,1001) LT  in each FailedSOPSequence item: the reason in words.
 *   (0009,1002) UL  in each Referenced/Failed item: the 1-based number of the part in the request.
 *   (0009,1003) CS  in each ReferencedSOPSequence item: STORED, DUPLICATE (an identical copy was there) or REPLACED (it replaced an incomplete copy);
 *                   an incomplete instance, or a different copy of a stored one (kept aside), is a failure.
 *   (0009,1004) LT  at the top level: why the request as a whole failed (truncated body, limits…).
 * Clients that do not know them ignore them, as PS3.18 asks of unknown private attributes.
 */
import type { DicomJsonDataset, DicomJsonElement } from '../../../common/dicom/dicomJson';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import type { StudyInstanceUid } from '../../../common/dicom/uid';
import { Part10Error, readPart10Header } from '../dicom/part10';
import { describeFailure } from '../dicom/readErrors';
import { MultipartStreamError, MultipartStreamParser, multipartBoundary, type StreamedPart } from '../pacs/dicomweb/multipartStream';
import type { InstanceStore } from '../store/instanceStore';
import type { AuditSink } from '../audit/auditSink';
import { StowAudit } from './stowAudit';
import { StowSpool, type SpooledPart } from './stowSpool';

export interface StowLimits {
  /** Total request body, default 2 GiB. */
  maxBodyBytes?: number;
  /** Parts in one request, default 10 000. */
  maxParts?: number;
  /** One part, default 1 GiB. */
  maxPartBytes?: number;
  /** A part that grows past this many bytes goes to an encrypted temp file while it arrives (default 4 MiB). */
  spoolAboveBytes?: number;
  /** Where the request's temp folder goes (default the OS temp folder). */
  spoolDir?: string;
}

export const SPOOL_ABOVE_BYTES = 4 * 1024 * 1024;

export const STOW_PRIVATE = {
  creator: '00090010',
  creatorName: 'DOKUEI STOW',
  reasonText: '00091001',
  partNumber: '00091002',
  outcome: '00091003',
  requestError: '00091004',
} as const;

const T = {
  FailureReason: '00081197',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  RetrieveURL: '00081190',
} as const;

/** PS3.18 Table 10.5.3-3 / PS3.4 Annex B failure reasons. */
export const FailureReason = {
  ProcessingFailure: 0x0110,
  OutOfResources: 0xa700,
  DataSetDoesNotMatch: 0xa900,
  CannotUnderstand: 0xc000,
} as const;

const GiB = 1024 * 1024 * 1024;

export function isStowContentType(contentType: string): boolean {
  if (!/^\s*multipart\/related\s*;/i.test(contentType)) return false;
  const m = /;\s*type\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const type = (m?.[1] ?? m?.[2] ?? '').trim().toLowerCase();
  return type === 'application/dicom';
}

interface Ref {
  part: number;
  sopClass?: string;
  sop?: string;
  study?: string;
  series?: string;
}

function uidsOf(bytes: Uint8Array): { sopClass?: string; sop?: string; study?: string; series?: string } {
  try {
    const ds = readPart10Header(bytes).dataset;
    return {
      sopClass: getString(ds, Tag.SOPClassUID),
      sop: getString(ds, Tag.SOPInstanceUID),
      study: getString(ds, Tag.StudyInstanceUID),
      series: getString(ds, Tag.SeriesInstanceUID),
    };
  } catch {
    return {};
  }
}

const el = (vr: string, ...values: (string | number)[]): DicomJsonElement => ({ vr, Value: values }) as DicomJsonElement;

/**
 * Handles a STOW-RS request. `study` is the StudyInstanceUID of `/studies/{study}`: parts of other studies
 * are refused (0xA900). `ourBase` is the data plane's base URL, for RetrieveURLs.
 */
export async function handleStow(
  request: Request,
  store: InstanceStore,
  ourBase: string,
  study?: StudyInstanceUid,
  limits: StowLimits = {},
  audit?: AuditSink,
): Promise<Response> {
  const maxBody = limits.maxBodyBytes ?? 2 * GiB;
  const maxParts = limits.maxParts ?? 10000;
  const maxPart = Math.min(limits.maxPartBytes ?? GiB, maxBody);
  const contentType = request.headers.get('content-type') ?? '';
  if (!isStowContentType(contentType)) {
    return plainError(415, `STOW-RS takes multipart/related; type="application/dicom" (got "${contentType || 'no Content-Type'}")`);
  }
  const boundary = multipartBoundary(contentType);
  if (!boundary) return plainError(400, 'The multipart Content-Type has no boundary');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBody) return plainError(413, `The request body is over the ${maxBody}-byte limit`);
  if (!request.body) return plainError(400, 'The request has no body');

  const receipts = audit ? new StowAudit(store) : undefined;
  const referenced: DicomJsonDataset[] = [];
  const failed: DicomJsonDataset[] = [];
  let parts = 0;
  let requestError: { status: number; message: string } | undefined;

  const onPart = async (part: StreamedPart): Promise<void> => {
    parts++;
    const ref: Ref = { part: parts };
    const fail = (code: number, reason: string) => {
      const item: DicomJsonDataset = {
        [STOW_PRIVATE.creator]: el('LO', STOW_PRIVATE.creatorName),
        [T.FailureReason]: el('US', code),
        [STOW_PRIVATE.reasonText]: el('LT', reason),
        [STOW_PRIVATE.partNumber]: el('UL', ref.part),
      };
      if (ref.sopClass) item[T.ReferencedSOPClassUID] = el('UI', ref.sopClass);
      if (ref.sop) item[T.ReferencedSOPInstanceUID] = el('UI', ref.sop);
      failed.push(item);
    };
    const partType = (part.headers['content-type'] ?? 'application/dicom').split(';')[0]!.trim().toLowerCase();
    if (partType !== 'application/dicom') return fail(FailureReason.CannotUnderstand, `Part of type ${partType}: only application/dicom is accepted`);
    Object.assign(ref, uidsOf(part.body));
    if (study && ref.study !== study) {
      return fail(FailureReason.DataSetDoesNotMatch, `The instance belongs to study ${ref.study ?? '(none)'}, not ${study}`);
    }
    try {
      const outcome = await store.put(part.body);
      if (outcome.kind === 'conflict') {
        // Not stored as the archive's copy: the sender must learn its instance is not the one served.
        Object.assign(ref, { sop: outcome.instance });
        return fail(FailureReason.ProcessingFailure, `A different copy of instance ${outcome.instance} is already stored; this one was kept aside, not stored`);
      }
      receipts?.stored(outcome);
      const item: DicomJsonDataset = {
        [STOW_PRIVATE.creator]: el('LO', STOW_PRIVATE.creatorName),
        [T.ReferencedSOPInstanceUID]: el('UI', outcome.instance),
        [T.RetrieveURL]: el('UR', `${ourBase}/studies/${outcome.study}/series/${outcome.series}/instances/${outcome.instance}`),
        [STOW_PRIVATE.partNumber]: el('UL', ref.part),
        [STOW_PRIVATE.outcome]: el('CS', outcome.kind === 'stored' ? 'STORED' : outcome.kind === 'replaced' ? 'REPLACED' : 'DUPLICATE'),
      };
      if (ref.sopClass) item[T.ReferencedSOPClassUID] = el('UI', ref.sopClass);
      referenced.push(item);
    } catch (err) {
      // An incomplete instance is a Part10Error ("Incomplete instance: …", completeness.ts): Cannot Understand.
      const message = describeFailure(err).reason;
      const code =
        err instanceof Part10Error ? FailureReason.CannotUnderstand : /quota|space|ENOSPC/i.test(`${(err as Error)?.name} ${message}`) ? FailureReason.OutOfResources : FailureReason.ProcessingFailure;
      fail(code, message);
    }
  };

  const parser = new MultipartStreamParser(boundary);
  const reader = request.body.getReader();
  const spoolAbove = limits.spoolAboveBytes ?? SPOOL_ABOVE_BYTES;
  const spool = new StowSpool(limits.spoolDir);
  /** The temp file of the part being received, once it grew past spoolAbove. */
  let spooled: SpooledPart | undefined;
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        parser.end();
        break;
      }
      received += value.byteLength;
      if (received > maxBody) {
        requestError = { status: 413, message: `The request body is over the ${maxBody}-byte limit` };
        break;
      }
      for (const part of parser.push(value)) {
        if (parts >= maxParts) {
          requestError = { status: 413, message: `More than ${maxParts} parts in one request` };
          break;
        }
        if ((part.taken ?? 0) + part.body.length > maxPart) {
          requestError = { status: 413, message: `Part ${parts + 1} is over the ${maxPart}-byte limit` };
          break;
        }
        let bytes = part.body;
        // `taken`: the part's start is in the temp file (only the part that was being received can have it).
        if (part.taken && spooled) {
          const file = spooled;
          spooled = undefined;
          bytes = await file.finish(part.body);
        }
        await onPart({ headers: part.headers, body: bytes });
      }
      if (requestError) break;
      if (parser.partialBytes > maxPart) {
        requestError = { status: 413, message: `Part ${parts + 1} is over the ${maxPart}-byte limit` };
        break;
      }
      if (spooled || parser.partialBytes > spoolAbove) {
        // Before the next push: the chunks taken may be views of this network chunk.
        const chunks = parser.takePartialBody();
        if (chunks.length) {
          spooled ??= await spool.open();
          await spooled.append(chunks);
        }
      }
      if (parser.complete) break;
    }
  } catch (err) {
    if (err instanceof MultipartStreamError) requestError = { status: 400, message: err.message };
    else requestError = { status: 400, message: `The request body could not be read: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    if (requestError) await reader.cancel().catch(() => {});
    reader.releaseLock();
    // A part cut short, refused or failed leaves no temp file behind.
    await spooled?.close().catch(() => {});
    await spool.dispose().catch(() => {});
  }
  if (!requestError && parts === 0) requestError = { status: 400, message: 'The multipart body has no parts' };

  const body: DicomJsonDataset = { [STOW_PRIVATE.creator]: el('LO', STOW_PRIVATE.creatorName) };
  if (study) body[T.RetrieveURL] = el('UR', `${ourBase}/studies/${study}`);
  if (referenced.length) body[T.ReferencedSOPSequence] = { vr: 'SQ', Value: referenced } as DicomJsonElement;
  if (failed.length) body[T.FailedSOPSequence] = { vr: 'SQ', Value: failed } as DicomJsonElement;
  if (requestError) body[STOW_PRIVATE.requestError] = el('LT', requestError.message);
  const status = requestError ? requestError.status : failed.length === 0 ? 200 : referenced.length ? 202 : 409;
  if (receipts && audit) receipts.record(audit, ourBase, failed.length, requestError?.message);
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/dicom+json' } });
}

function plainError(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), { status, headers: { 'Content-Type': 'application/json' } });
}
