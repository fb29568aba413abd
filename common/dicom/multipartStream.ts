/**
 * An incremental multipart/related parser (RFC 2046 §5.1, as WADO-RS uses it): feed it the body chunk by
 * chunk and it returns each part as soon as the delimiter after it has arrived. A retrieve can be
 * hundreds of megabytes, so only the part being received is held; multipart.ts parses complete bodies and
 * is for small answers. Isomorphic (bytes only): the Node services parse retrieves and STOW-RS bodies with
 * it, the renderer parses the series-level pixel data stream with it.
 *
 * A part is complete only when the next delimiter is seen: bytes that stop before it (a cut connection,
 * a body that ends without its closing delimiter) are never returned, and end() reports the truncation.
 */

export interface StreamedPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The part's bytes; when some were handed over earlier by takePartialBody(), only the bytes after them. */
  body: Uint8Array;
  /** How many of the part's first bytes takePartialBody() handed over before it completed (absent: none). */
  taken?: number;
}

export class MultipartStreamError extends Error {
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
    this.name = 'MultipartStreamError';
  }
}

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'epilogue';

const CRLF = new Uint8Array([0x0d, 0x0a]);
const HEADER_END = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]);
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_PREAMBLE_BYTES = 1024 * 1024;
const EMPTY = new Uint8Array(0);

/** First index of `needle` in `hay` at or after `from`; the native indexOf finds candidates for the first byte. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const n = needle.length;
  if (n === 0) return from <= hay.length ? from : -1;
  const first = needle[0]!;
  const last = hay.length - n;
  for (let i = hay.indexOf(first, from); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

export class MultipartStreamParser {
  /** "\r\n--boundary": every delimiter, the first included (see the constructor), is preceded by CRLF. */
  private readonly delimiter: Uint8Array;
  private state: State = 'preamble';
  /** Bytes received but not yet assigned: a possible partial delimiter, or an incomplete header block. */
  private pending: Uint8Array;
  private preambleBytes = 0;
  private headers: Record<string, string> = {};
  private bodyChunks: Uint8Array[] = [];
  /** Bytes of the current part's body so far, those handed over by takePartialBody() included. */
  private bodyBytes = 0;
  /** Of bodyBytes, those already handed over by takePartialBody(). */
  private takenBytes = 0;
  /** The part's Content-Length, when it gave one: the body is not scanned for a delimiter before that. */
  private expected: number | undefined;

  constructor(boundary: string) {
    if (!boundary || boundary.length > 200 || /[^\x20-\x7e]/.test(boundary)) throw new MultipartStreamError(`Invalid multipart boundary "${boundary}"`, false);
    this.delimiter = Uint8Array.from(`\r\n--${boundary}`, (c) => c.charCodeAt(0));
    // A body may start with the delimiter itself (no CRLF before it): pretend one was there.
    this.pending = CRLF.slice();
  }

  /** Bytes of the part currently being received (0 between parts). */
  get partialBytes(): number {
    return this.state === 'body' ? this.bodyBytes + this.pending.length : 0;
  }

  /** True once the closing delimiter ("--boundary--") has been seen. */
  get complete(): boolean {
    return this.state === 'epilogue';
  }

  /** Feeds the next chunk; returns the parts it completed, in order. */
  push(chunk: Uint8Array): StreamedPart[] {
    const out: StreamedPart[] = [];
    if (this.state === 'epilogue' || chunk.length === 0) return out;
    let data = chunk;
    if (this.pending.length > 0) {
      if (this.state === 'body' && data.length >= this.delimiter.length - 1 && !this.delimiterStartsIn(this.pending, data)) {
        // Common case mid-part: the held-back tail is plain body. Keep it and scan the chunk without
        // copying it into a new buffer (allocation is the expensive part on these machines).
        this.addBody(this.pending);
      } else {
        data = concatBytes([this.pending, data]);
      }
      this.pending = EMPTY;
    }
    let pos = 0;
    for (;;) {
      switch (this.state) {
        case 'preamble': {
          const i = indexOfBytes(data, this.delimiter, pos);
          if (i < 0) {
            this.preambleBytes += data.length - pos;
            if (this.preambleBytes > MAX_PREAMBLE_BYTES) throw new MultipartStreamError('No multipart boundary found at the start of the body', false);
            this.hold(data, Math.max(pos, data.length - (this.delimiter.length - 1)));
            return out;
          }
          pos = i + this.delimiter.length;
          this.state = 'delimiter';
          break;
        }
        case 'delimiter': {
          // After "--boundary": "--" closes the body; otherwise optional padding, then CRLF.
          if (data.length - pos < 2) return this.hold(data, pos, out);
          if (data[pos] === 0x2d && data[pos + 1] === 0x2d) {
            this.state = 'epilogue';
            return out;
          }
          const eol = indexOfBytes(data, CRLF, pos);
          if (eol < 0) {
            if (data.length - pos > 1024) throw new MultipartStreamError('Malformed multipart delimiter line', false);
            return this.hold(data, pos, out);
          }
          // Headers start right after this CRLF; starting the search at the CRLF itself lets an empty
          // header block ("\r\n\r\n" straight away) be found too.
          pos = eol;
          this.state = 'headers';
          break;
        }
        case 'headers': {
          const end = indexOfBytes(data, HEADER_END, pos);
          if (end < 0) {
            if (data.length - pos > MAX_HEADER_BYTES) throw new MultipartStreamError('Multipart part headers are too long', false);
            return this.hold(data, pos, out);
          }
          this.headers = parseHeaders(latin1(data.subarray(pos + 2, end)));
          const length = this.headers['content-length'];
          this.expected = length !== undefined && /^[0-9]{1,15}$/.test(length) ? Number(length) : undefined;
          pos = end + HEADER_END.length;
          this.bodyChunks = [];
          this.bodyBytes = 0;
          this.takenBytes = 0;
          this.state = 'body';
          break;
        }
        case 'body': {
          // With a Content-Length the delimiter is looked for only where the body should end (scanning every
          // byte of a 500 kB frame for it is most of the parser's cost); the length is then checked, so a
          // wrong Content-Length is an error, never a part cut short or run together with the next.
          const from = this.expected === undefined ? pos : Math.min(data.length, pos + Math.max(0, this.expected - this.bodyBytes));
          const i = indexOfBytes(data, this.delimiter, from);
          if (i < 0) {
            // Keep back what could be the start of a delimiter split across chunks.
            const keep = Math.min(this.delimiter.length - 1, data.length - pos);
            this.addBody(data.subarray(pos, data.length - keep));
            return this.hold(data, data.length - keep, out);
          }
          this.addBody(data.subarray(pos, i));
          if (this.expected !== undefined && this.bodyBytes !== this.expected) {
            throw new MultipartStreamError(`A part of ${this.bodyBytes} bytes said its Content-Length was ${this.expected}`, false);
          }
          const taken = this.takenBytes;
          const body = this.takeBody();
          out.push(taken > 0 ? { headers: this.headers, body, taken } : { headers: this.headers, body });
          pos = i + this.delimiter.length;
          this.state = 'delimiter';
          break;
        }
        default: // 'epilogue' (TypeScript narrows it away inside this loop; kept for safety)
          return out;
      }
    }
  }

  /**
   * Hands over the bytes of the part being received that are known to be body (not the held-back tail that
   * could start a delimiter) and forgets them, so a caller can move a large part out of memory (STOW-RS
   * spools it to disk) while it arrives. The part, once complete, carries only the bytes after the last take
   * and says in `taken` how many came before. The views may point into the chunks given to push(): use them
   * before pushing again. Empty between parts.
   */
  takePartialBody(): Uint8Array[] {
    if (this.state !== 'body' || this.bodyChunks.length === 0) return [];
    const chunks = this.bodyChunks;
    this.bodyChunks = [];
    for (const c of chunks) this.takenBytes += c.length;
    return chunks;
  }

  /** The body has ended: throws if the closing delimiter never came (the last part, if any, is dropped). */
  end(): void {
    if (this.state === 'epilogue') return;
    const inPart = this.state === 'body' || this.state === 'headers';
    const where = inPart ? `in the middle of a part (${this.partialBytes} bytes of it received)` : this.state === 'preamble' ? 'before the first part' : 'after a part';
    this.bodyChunks = [];
    this.takenBytes = 0;
    this.pending = EMPTY;
    throw new MultipartStreamError(`The multipart body ended ${where}, without its closing boundary`, true);
  }

  /** Whether a delimiter could begin inside `tail` and continue into `next`. */
  private delimiterStartsIn(tail: Uint8Array, next: Uint8Array): boolean {
    const straddle = concatBytes([tail, next.subarray(0, this.delimiter.length - 1)]);
    const i = indexOfBytes(straddle, this.delimiter);
    return i >= 0 && i < tail.length;
  }

  private addBody(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.bodyChunks.push(bytes);
    this.bodyBytes += bytes.length;
  }

  private takeBody(): Uint8Array {
    const chunks = this.bodyChunks;
    this.bodyChunks = [];
    this.bodyBytes = 0;
    this.takenBytes = 0;
    if (chunks.length === 1) return chunks[0]!;
    return concatBytes(chunks);
  }

  private hold(data: Uint8Array, from: number, out: StreamedPart[] = []): StreamedPart[] {
    // Copied: `data` may be a view of a large network chunk that should not stay alive for a few bytes.
    this.pending = data.slice(from);
    return out;
  }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** The boundary parameter of a multipart Content-Type, quoted or not. */
export function multipartBoundary(contentType: string): string | undefined {
  if (!/^\s*multipart\/related/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}
