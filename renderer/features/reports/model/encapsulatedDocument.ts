/**
 * An encapsulated document's bytes (issue #19): the Encapsulated Document (0042,0011) is inline in the metadata
 * (InlineBinary, base64) when small; a larger one is left out and fetched over the data plane's bulk data route.
 * Either way the value may carry one byte of padding (DICOM values have even lengths): Encapsulated Document Length
 * (0042,0015) says where the document ends when the writer gave it.
 */
import { getNumber, getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { boundaryOf, decodeMultipart } from '../../../../common/dicom/multipart';

export const EncapsulatedTag = {
  EncapsulatedDocument: '00420011',
  MIMETypeOfEncapsulatedDocument: '00420012',
  EncapsulatedDocumentLength: '00420015',
} as const;

export interface EncapsulatedDocumentInfo {
  /** MIME Type of Encapsulated Document, lower case; '' when the instance does not say. */
  mime: string;
  /** The bytes when the metadata carries them inline; undefined: fetch them as bulk data. */
  inline?: Uint8Array;
  /** Encapsulated Document Length, when given. */
  length?: number;
}

/** base64 → bytes (atob is in every browser and in Node 16+). Throws on text that is not base64. */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function encapsulatedDocumentInfo(ds: DicomJsonDataset): EncapsulatedDocumentInfo {
  const info: EncapsulatedDocumentInfo = { mime: (getString(ds, EncapsulatedTag.MIMETypeOfEncapsulatedDocument) ?? '').trim().toLowerCase() };
  const length = getNumber(ds, EncapsulatedTag.EncapsulatedDocumentLength);
  if (length !== undefined && Number.isInteger(length) && length >= 0) info.length = length;
  const inline = ds[EncapsulatedTag.EncapsulatedDocument]?.InlineBinary;
  if (typeof inline === 'string') {
    try {
      info.inline = decodeBase64(inline);
    } catch {
      // Not base64: fetch the value as bulk data instead.
    }
  }
  return info;
}

/** The document without the value's padding: cut at Encapsulated Document Length, else a trailing NUL dropped. */
export function documentBytes(value: Uint8Array, length?: number): Uint8Array {
  if (length !== undefined && length <= value.byteLength) return value.subarray(0, length);
  return value.byteLength > 0 && value[value.byteLength - 1] === 0 ? value.subarray(0, value.byteLength - 1) : value;
}

/** A bulk data answer's value: the first part of a multipart/related answer, or the body itself when it is not multipart. */
export function bulkDataValue(body: Uint8Array, contentType: string | null): Uint8Array {
  if (!/^multipart\//i.test(contentType ?? '')) return body;
  const boundary = boundaryOf(contentType ?? '');
  if (!boundary) throw new Error('The bulk data answer is multipart without a boundary');
  const [first] = decodeMultipart(body, boundary);
  if (!first) throw new Error('The bulk data answer holds no part');
  return first.body;
}

/** Whether the bytes start like a PDF ("%PDF-" within the first KiB, where readers look for it). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}
