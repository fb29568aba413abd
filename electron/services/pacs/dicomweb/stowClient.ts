/**
 * STOW-RS client (PS3.18 10.5): sends Part 10 instances to a DICOMweb node as one multipart/related;
 * type="application/dicom" POST to /studies, and reads which instances the node stored (Referenced SOP Sequence)
 * and which it refused (Failed SOP Sequence, with the Failure Reason). The multipart body and the answer's parsing
 * are pure functions, unit-tested without a network; the POST goes through the node's fetcher (auth, TLS, timeouts).
 */
import { randomUUID } from 'node:crypto';
import { PacsError } from '../pacsNode';
import { contentFailure } from './errors';
import type { NodeFetcher } from './http';

const ReferencedSOPSequence = '00081199';
const FailedSOPSequence = '00081198';
const ReferencedSOPInstanceUID = '00081155';
const FailureReason = '00081197';

export interface StowOutcome {
  /** SOP Instance UIDs the node said it stored. */
  stored: string[];
  /** Instances the node refused, with its reason in words. */
  failed: { sopInstanceUid: string; reason: string }[];
}

/** Failure Reason (0008,1197) values of PS3.18 Table 10.5.3-2 / PS3.4 C-STORE statuses, in words. */
const FAILURE_REASONS: Record<number, string> = {
  0x0110: 'processing failure',
  0x0112: 'no such object instance',
  0x0122: 'SOP class not supported by the node',
  0x0124: 'not authorised to store it',
  0xa700: 'the node is out of resources',
  0xa710: 'the node is out of resources',
  0xa770: 'the node is out of resources',
  0xa900: 'the data set does not match its SOP class',
  0xb000: 'stored with coercion of data elements',
  0xb006: 'stored with elements discarded',
  0xb007: 'the data set does not match its SOP class',
  0xc000: 'the node cannot understand the instance',
  0xc122: 'the transfer syntax is not supported by the node',
};

export function failureReasonText(code: number | undefined): string {
  if (code === undefined || !Number.isFinite(code)) return 'the node gave no reason';
  const hex = `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${FAILURE_REASONS[code] ?? 'refused'} (Failure Reason ${hex})`;
}

/** The multipart/related body: one application/dicom part per instance (PS3.18 8.6.1.2). */
export function buildStowBody(instances: readonly Uint8Array[], boundary = `DokueiStow${randomUUID().replace(/-/g, '')}`): { body: Uint8Array; contentType: string } {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const bytes of instances) {
    chunks.push(enc.encode(`--${boundary}\r\nContent-Type: application/dicom\r\nContent-Length: ${bytes.byteLength}\r\n\r\n`), bytes, enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return { body, contentType: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

type JsonDs = Record<string, { Value?: unknown[] } | undefined>;

const itemsOf = (ds: JsonDs, tag: string): JsonDs[] => (ds[tag]?.Value ?? []).filter((v): v is JsonDs => !!v && typeof v === 'object');
const stringOf = (ds: JsonDs, tag: string): string | undefined => {
  const v = ds[tag]?.Value?.[0];
  return typeof v === 'string' ? v.trim() : undefined;
};

/**
 * The node's answer as DICOM JSON: one dataset (Orthanc) or an array holding one (some servers). Throws when it
 * is neither, since then nothing can be said about what was stored.
 */
export function parseStowAnswer(json: unknown): StowOutcome {
  const ds = (Array.isArray(json) ? json[0] : json) as JsonDs | undefined;
  if (!ds || typeof ds !== 'object' || Array.isArray(ds)) throw new TypeError('not a DICOM JSON dataset');
  const stored = itemsOf(ds, ReferencedSOPSequence)
    .map((i) => stringOf(i, ReferencedSOPInstanceUID))
    .filter((s): s is string => !!s);
  const failed = itemsOf(ds, FailedSOPSequence).map((i) => {
    const code = i[FailureReason]?.Value?.[0];
    return { sopInstanceUid: stringOf(i, ReferencedSOPInstanceUID) ?? '', reason: failureReasonText(typeof code === 'number' ? code : code === undefined ? undefined : Number(code)) };
  });
  return { stored, failed };
}

/**
 * POSTs the instances and returns what the node stored and refused. HTTP failures (unreachable, auth, 4xx/5xx
 * without a STOW answer) throw a PacsError naming the node; a 409/202 with a STOW answer is an outcome, not a throw.
 */
export async function stowInstances(fetcher: NodeFetcher, instances: readonly Uint8Array[], signal?: AbortSignal): Promise<StowOutcome> {
  const what = 'the STOW-RS upload (POST /studies)';
  const post = buildStowBody(instances);
  const nr = await fetcher.request('/studies', { accept: 'application/dicom+json, application/json;q=0.9', signal, post, deadline: 'stream' });
  const res = nr.response;
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw nr.fail(err);
  }
  let answer: StowOutcome | undefined;
  try {
    answer = text.trim() ? parseStowAnswer(JSON.parse(text)) : undefined;
  } catch {
    answer = undefined;
  }
  // 200 all stored, 202 some refused, 409 none stored (PS3.18 Table 10.5.3-1): each says which in its body.
  if (answer && (res.status === 200 || res.status === 202 || res.status === 409)) return answer;
  if (res.status < 200 || res.status >= 300) {
    if (res.status === 415) throw new PacsError('protocol', fetcher.node.id, `${fetcher.node.name}: the node does not accept STOW-RS uploads of application/dicom (HTTP 415)`);
    if (res.status === 404 || res.status === 405) throw new PacsError('refused', fetcher.node.id, `${fetcher.node.name}: the node does not accept STOW-RS uploads (HTTP ${res.status} for ${what}): check that its URL is the DICOMweb root and that it allows storing`);
    throw fetcher.statusError(res.status, res.statusText, what);
  }
  throw contentFailure(fetcher.node, what, text.trim() ? 'invalid-json' : 'not-array', 'no STOW-RS answer naming the stored instances');
}
