/** Small DICOMweb helpers for tests: DICOM JSON walking and multipart frame bodies. */
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { boundaryOf, decodeMultipart, type MultipartPart } from '../../common/dicom/multipart';
import { MultipartStreamParser, multipartBoundary, type StreamedPart } from '../../common/dicom/multipartStream';

export const FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
export const RETRIEVE_URL = '00081190';

/** A deep copy without RetrieveURL (00081190) at any depth. */
export function withoutRetrieveUrl<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutRetrieveUrl(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== RETRIEVE_URL) out[k] = withoutRetrieveUrl(v);
    return out as T;
  }
  return value;
}

/** Every key anywhere in a JSON value (to prove a tag is absent at any depth). */
export function allKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      allKeys(v, out);
    }
  }
  return out;
}

/** Every BulkDataURI anywhere in a JSON value. */
export function bulkDataUris(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) bulkDataUris(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'BulkDataURI' && typeof v === 'string') out.push(v);
      else bulkDataUris(v, out);
    }
  }
  return out;
}

export function stringValue(ds: DicomJsonDataset | undefined, tag: string): string | undefined {
  const v = ds?.[tag]?.Value?.[0];
  return v === undefined ? undefined : String(v);
}

/** Reads a multipart/related response completely and returns its parts; throws on a non-multipart answer. */
export async function multipartParts(res: Response, what: string): Promise<MultipartPart[]> {
  const contentType = res.headers.get('content-type') ?? '';
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status}: ${new TextDecoder().decode(body.subarray(0, 300))}`);
  const boundary = boundaryOf(contentType);
  if (!/^multipart\/related/i.test(contentType) || !boundary) throw new Error(`${what}: not multipart/related with a boundary: "${contentType}"`);
  return decodeMultipart(body, boundary);
}

/** The parts of a streamed multipart answer as they arrive; after `stopAfter` parts the rest is cancelled. */
export async function streamedParts(res: Response, stopAfter = Infinity): Promise<StreamedPart[]> {
  const parser = new MultipartStreamParser(multipartBoundary(res.headers.get('content-type') ?? '')!);
  const out: StreamedPart[] = [];
  const reader = res.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out.push(...parser.push(value));
    if (out.length >= stopAfter) {
      await reader.cancel();
      return out;
    }
  }
  parser.end();
  return out;
}
