/**
 * QIDO/WADO JSON requests on the data plane, for the study browser. Pixel data is fetched by
 * cornerstone's loader (renderer/imaging), not here.
 */
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import type { DataPlane } from './platform';

export class DataPlaneError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface JsonAnswer {
  items: DicomJsonDataset[];
  /** Per-node problems the gateway reported (Warning headers): shown, never fatal. */
  warnings: string[];
}

export function parseWarnings(header: string | null): string[] {
  if (!header) return [];
  return [...header.matchAll(/299 dokuei "([^"]*)"/g)].map((m) => m[1]!);
}

/** A GET on the data plane with its credentials; a refusal or no answer as a DataPlaneError with the gateway's words. */
export async function dataPlaneGet(plane: DataPlane, path: string, accept: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`${plane.baseUrl}${path}`, { headers: { ...plane.headers, Accept: accept }, signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new DataPlaneError(`The local data service did not answer: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: string } | undefined;
    throw new DataPlaneError(body?.error ?? `HTTP ${res.status}`, res.status);
  }
  return res;
}

export async function getDicomJson(plane: DataPlane, path: string, signal?: AbortSignal): Promise<JsonAnswer> {
  const res = await dataPlaneGet(plane, path, 'application/dicom+json', signal);
  const items = (await res.json()) as DicomJsonDataset[];
  return { items: Array.isArray(items) ? items : [], warnings: parseWarnings(res.headers.get('Warning')) };
}

/** Fetches an image (thumbnail) with the data-plane credentials and returns an object URL. */
export async function getImageObjectUrl(plane: DataPlane, path: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(`${plane.baseUrl}${path}`, { headers: { ...plane.headers, Accept: 'image/png, image/jpeg' }, signal });
  if (!res.ok) throw new DataPlaneError(`Thumbnail unavailable (HTTP ${res.status})`, res.status);
  return URL.createObjectURL(await res.blob());
}

/** What the gateway's STOW-RS answered for one part (see electron/services/gateway/stow.ts). */
export interface StowPartResult {
  /** 1-based, in the order the parts were sent. */
  part: number;
  outcome: 'stored' | 'duplicate' | 'failed';
  reason?: string;
}

export interface StowAnswer {
  status: number;
  parts: StowPartResult[];
  /** Why the request as a whole failed (a truncated body, a limit), when it did. */
  error?: string;
}

// Dokuei's documented private attributes in STOW-RS answers (private creator "DOKUEI STOW", group 0009).
const STOW_REASON = '00091001';
const STOW_PART = '00091002';
const STOW_OUTCOME = '00091003';
const STOW_REQUEST_ERROR = '00091004';

/**
 * Sends files to the data plane's STOW-RS endpoint as one multipart/related request. The files go as
 * Blobs: the browser streams their bytes, nothing is copied here, and nothing travels over IPC.
 */
export async function postStow(plane: DataPlane, files: readonly Blob[], signal?: AbortSignal): Promise<StowAnswer> {
  const boundary = `dokuei-${crypto.randomUUID()}`;
  const chunks: BlobPart[] = [];
  for (const f of files) chunks.push(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, f, '\r\n');
  chunks.push(`--${boundary}--\r\n`);
  let res: Response;
  try {
    res = await fetch(`${plane.baseUrl}/studies`, {
      method: 'POST',
      headers: { ...plane.headers, Accept: 'application/dicom+json', 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
      body: new Blob(chunks),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new DataPlaneError(`The local data service did not answer: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => undefined)) as (DicomJsonDataset & { error?: string }) | undefined;
  if (!body || typeof body.error === 'string' || !/dicom\+json/.test(res.headers.get('content-type') ?? '')) {
    return { status: res.status, parts: [], error: (typeof body?.error === 'string' ? body.error : undefined) ?? `HTTP ${res.status}` };
  }
  const items = (tag: string) => (body[tag]?.Value ?? []) as DicomJsonDataset[];
  const first = (ds: DicomJsonDataset, tag: string) => ds[tag]?.Value?.[0];
  const parts: StowPartResult[] = [];
  for (const r of items('00081199')) {
    parts.push({ part: Number(first(r, STOW_PART)), outcome: first(r, STOW_OUTCOME) === 'DUPLICATE' ? 'duplicate' : 'stored' });
  }
  for (const f of items('00081198')) {
    const code = first(f, '00081197');
    const reason = first(f, STOW_REASON);
    parts.push({ part: Number(first(f, STOW_PART)), outcome: 'failed', reason: typeof reason === 'string' ? reason : `Refused (failure reason ${String(code)})` });
  }
  const error = first(body, STOW_REQUEST_ERROR);
  return { status: res.status, parts, error: typeof error === 'string' ? error : undefined };
}

