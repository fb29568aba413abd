/**
 * multipart/related bodies as DICOMweb uses them (PS3.18 §8.6.1.2): writing for the gateway, reading for
 * clients and tests. Works on bytes; no Node or DOM APIs.
 */
export interface MultipartPart {
  contentType: string;
  body: Uint8Array;
  headers?: Record<string, string>;
}

const enc = new TextEncoder();

/** The Accept of a frames or bulk-data retrieve: each frame's pixel data in the transfer syntax it is stored in. */
export const OCTET_STREAM_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

export function newBoundary(): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
  return `dokuei-${s}`;
}

/** What precedes a part's body: its delimiter and headers (a streamed body writes head, body, PART_END). */
export function encodePartHead(contentType: string, boundary: string, headers: Record<string, string> = {}): Uint8Array {
  let head = `--${boundary}\r\nContent-Type: ${contentType}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return enc.encode(`${head}\r\n`);
}

/** What follows each part's body. */
export const PART_END: Uint8Array = enc.encode('\r\n');

/** The closing delimiter, after the last part. */
export function encodeClose(boundary: string): Uint8Array {
  return enc.encode(`--${boundary}--\r\n`);
}

export function encodeMultipart(parts: MultipartPart[], boundary: string): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  for (const p of parts) chunks.push(encodePartHead(p.contentType, boundary, p.headers), p.body, PART_END);
  chunks.push(encodeClose(boundary));
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** Parses a complete multipart body; throws MultipartError when it is truncated or malformed. */
export function decodeMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  const delim = enc.encode(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = indexOf(body, delim, 0);
  if (pos < 0) throw new MultipartError('Multipart body has no boundary');
  for (;;) {
    pos += delim.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing "--"
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = indexOf(body, enc.encode('\r\n\r\n'), pos);
    if (headerEnd < 0) throw new MultipartError('Multipart part has no header terminator (truncated?)');
    const headerText = new TextDecoder().decode(body.subarray(pos, headerEnd));
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const start = headerEnd + 4;
    const next = indexOf(body, enc.encode(`\r\n--${boundary}`), start);
    if (next < 0) throw new MultipartError('Multipart body ends before its closing boundary (truncated)');
    parts.push({ contentType: headers['content-type'] ?? 'application/octet-stream', body: body.subarray(start, next), headers });
    pos = next + 2;
  }
}
