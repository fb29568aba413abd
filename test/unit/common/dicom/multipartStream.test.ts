/**
 * The streaming multipart parser against the reference encoder (common/dicom/multipart.ts), fed in every
 * chunking: parts come out whole and in order, and a body cut anywhere never yields a partial part.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../../../common/dicom/multipart';
import { MultipartStreamError, MultipartStreamParser, multipartBoundary, type StreamedPart } from '../../../../common/dicom/multipartStream';

const BOUNDARY = 'dokuei-0123456789abcdef';
const enc = new TextEncoder();

function body(parts: Uint8Array[], boundary = BOUNDARY): Uint8Array {
  return encodeMultipart(parts.map((b) => ({ contentType: 'application/dicom', body: b })), boundary);
}

/** Feeds `bytes` cut at `cuts` (sorted offsets); returns the parts and whether end() accepted the body. */
function feed(bytes: Uint8Array, cuts: number[], boundary = BOUNDARY): { parts: StreamedPart[]; error?: MultipartStreamError } {
  const parser = new MultipartStreamParser(boundary);
  const parts: StreamedPart[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    parts.push(...parser.push(bytes.subarray(prev, c)));
    prev = c;
  }
  try {
    parser.end();
    return { parts };
  } catch (err) {
    return { parts, error: err as MultipartStreamError };
  }
}

/** Cut points of a body of `length` bytes into chunks of the given sizes, repeated. */
function cutsOf(length: number, sizes: number[]): number[] {
  const cuts: number[] = [];
  for (let at = 0, i = 0; ; i++) {
    at += sizes[i % sizes.length]!;
    if (at >= length) return cuts;
    cuts.push(at);
  }
}

const bodies = (parts: StreamedPart[]) => parts.map((p) => Buffer.from(p.body).toString('latin1'));

describe('MultipartStreamParser', () => {
  it('returns each part with its headers, in one chunk', () => {
    const parts = [enc.encode('first'), enc.encode(''), new Uint8Array([0, 1, 2, 13, 10, 45, 45])];
    const { parts: out, error } = feed(body(parts), []);
    expect(error).toBeUndefined();
    expect(bodies(out)).toEqual(['first', '', '\u0000\u0001\u0002\r\n--']);
    expect(out[0]!.headers['content-type']).toBe('application/dicom');
  });

  it('gives the same parts for any chunking, including byte by byte', () => {
    const parts = [enc.encode('alpha'), enc.encode(`almost --${BOUNDARY.slice(0, -1)} a boundary`), enc.encode('\r\n--dokuei-')];
    const bytes = body(parts);
    const expected = parts.map((p) => Buffer.from(p).toString('latin1'));
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(bodies(feed(bytes, everyByte).parts)).toEqual(expected);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        const r = feed(bytes, cuts.sort((a, b) => a - b));
        expect(r.error).toBeUndefined();
        expect(bodies(r.parts)).toEqual(expected);
      }),
    );
  });

  it('handles random part contents and chunkings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 50 }),
        (parts, sizes) => {
          const bytes = body(parts);
          const r = feed(bytes, cutsOf(bytes.length, sizes));
          expect(r.error).toBeUndefined();
          expect(r.parts.map((p) => Buffer.from(p.body).toString('hex'))).toEqual(parts.map((p) => Buffer.from(p).toString('hex')));
        },
      ),
    );
  });

  it('skips a preamble and an epilogue, and takes a body that starts with CRLF or padding', () => {
    const core = Buffer.from(body([enc.encode('x')]));
    const withExtras = Buffer.concat([Buffer.from('This is a preamble.\r\n'), core, Buffer.from('epilogue junk')]);
    expect(bodies(feed(withExtras, [5, 30]).parts)).toEqual(['x']);
    const padded = Buffer.from(`--${BOUNDARY}  \t\r\nContent-Type: application/dicom\r\n\r\nyz\r\n--${BOUNDARY}--`);
    expect(bodies(feed(padded, []).parts)).toEqual(['yz']);
  });

  it('takes a part without headers', () => {
    const raw = Buffer.from(`--${BOUNDARY}\r\n\r\nbare\r\n--${BOUNDARY}--\r\n`);
    const r = feed(raw, [3]);
    expect(bodies(r.parts)).toEqual(['bare']);
    expect(r.parts[0]!.headers).toEqual({});
  });

  it('never returns a part whose closing delimiter has not fully arrived, wherever the body is cut', () => {
    const parts = [enc.encode('one'), enc.encode('two two'), enc.encode('three three three')];
    const bytes = body(parts);
    const delimiter = Buffer.from(`\r\n--${BOUNDARY}`);
    // The body starts with "--boundary" (no CRLF), so each "\r\n--boundary" in it is the delimiter after
    // a part: part i is complete once the bytes through that delimiter have arrived.
    const completeAt: number[] = [];
    for (let at = Buffer.from(bytes).indexOf(delimiter); at >= 0; at = Buffer.from(bytes).indexOf(delimiter, at + 1)) completeAt.push(at + delimiter.length);
    expect(completeAt).toHaveLength(parts.length);
    const closed = bytes.length - '\r\n'.length; // through the final "--"
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = feed(bytes.subarray(0, cut), cut > 1 ? [Math.floor(cut / 2)] : []);
      const expected = parts.filter((_, i) => completeAt[i]! <= cut).map((p) => Buffer.from(p).toString('latin1'));
      expect(bodies(r.parts), `cut at ${cut}`).toEqual(expected);
      if (cut < closed) {
        expect(r.error, `cut at ${cut}`).toBeInstanceOf(MultipartStreamError);
        expect(r.error!.truncated).toBe(true);
      } else {
        expect(r.error).toBeUndefined();
      }
    }
  });

  it('reports how much of the current part has arrived', () => {
    const parser = new MultipartStreamParser(BOUNDARY);
    parser.push(Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`));
    parser.push(new Uint8Array(1000));
    expect(parser.partialBytes).toBe(1000);
    expect(() => parser.end()).toThrow(/middle of a part \(1000 bytes/);
  });

  it('refuses a body with no boundary at all', () => {
    const parser = new MultipartStreamParser(BOUNDARY);
    expect(() => {
      for (let i = 0; i < 20; i++) parser.push(new Uint8Array(64 * 1024));
    }).toThrow(/No multipart boundary/);
  });
});

describe('multipartBoundary', () => {
  it('reads quoted and bare boundaries of multipart/related only', () => {
    expect(multipartBoundary('multipart/related; type="application/dicom"; boundary="a b;c"')).toBe('a b;c');
    expect(multipartBoundary('Multipart/Related;boundary=xyz; type=application/dicom')).toBe('xyz');
    expect(multipartBoundary('application/dicom+json')).toBeUndefined();
    expect(multipartBoundary('text/html; boundary=x')).toBeUndefined();
    expect(multipartBoundary('multipart/related; type="application/dicom"')).toBeUndefined();
  });

  describe('parts that give their Content-Length (the series stream: the body is not scanned)', () => {
    const sized = (parts: Uint8Array[], lie = (_i: number, n: number) => n) =>
      encodeMultipart(parts.map((b, i) => ({ contentType: 'application/octet-stream', body: b, headers: { 'Content-Length': String(lie(i, b.length)) } })), BOUNDARY);

    it('gives the same parts as without, for any contents and chunking, delimiter look-alikes inside included', () => {
      const lookAlike = enc.encode(`\r\n--${BOUNDARY}`);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean()), { minLength: 1, maxLength: 5 }),
          fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 50 }),
          (raw, sizes) => {
            // Some bodies carry the exact delimiter (legal only because the length says where the part ends).
            const parts = raw.map(([b, withDelimiter]) => (withDelimiter ? new Uint8Array([...b, ...lookAlike.subarray(0, lookAlike.length - 1)]) : b));
            const bytes = sized(parts);
            const r = feed(bytes, cutsOf(bytes.length, sizes));
            expect(r.error).toBeUndefined();
            expect(r.parts.map((p) => Buffer.from(p.body).toString('hex'))).toEqual(parts.map((p) => Buffer.from(p).toString('hex')));
          },
        ),
      );
    });

    it('refuses a part whose Content-Length is wrong, longer or shorter, in any chunking', () => {
      const parts = [enc.encode('first part'), enc.encode('second'), enc.encode('third one')];
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -5, max: 5 }).filter((d) => d !== 0), fc.integer({ min: 1, max: 40 }), (which, delta, step) => {
          const bytes = sized(parts, (i, n) => (i === which ? Math.max(0, n + delta) : n));
          const cuts = Array.from({ length: Math.floor((bytes.length - 1) / step) }, (_, k) => (k + 1) * step);
          // Refused while parsing (the length does not match), or at the end (the last part, declared longer,
          // never found its delimiter): never parts cut or joined.
          let refused: unknown;
          try {
            refused = feed(bytes, cuts).error;
          } catch (err) {
            refused = err;
          }
          expect(refused).toBeInstanceOf(MultipartStreamError);
          expect(String(refused)).toMatch(/Content-Length|without its closing boundary/);
        }),
      );
    });
  });
});


describe('takePartialBody', () => {
  it('hands over a part while it arrives: what was taken plus the completed rest is the part, in every chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.uint8Array({ maxLength: 50 }), fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 20 }), (big, small, sizes) => {
        const bytes = body([big, small]);
        const parser = new MultipartStreamParser(BOUNDARY);
        const taken: Uint8Array[] = [];
        const parts: StreamedPart[] = [];
        let pos = 0;
        for (let i = 0; pos < bytes.length; i++) {
          const next = Math.min(bytes.length, pos + (sizes[i % Math.max(1, sizes.length)] ?? bytes.length));
          parts.push(...parser.push(bytes.subarray(pos, next)));
          pos = next;
          // Take only while the first part is being received, as STOW-RS does for the part it spools.
          if (parts.length === 0) for (const c of parser.takePartialBody()) taken.push(c.slice());
        }
        parser.end();
        expect(parts).toHaveLength(2);
        const takenBytes = taken.reduce((n, c) => n + c.length, 0);
        expect(parts[0]!.taken ?? 0).toBe(takenBytes);
        expect(Buffer.concat([...taken, parts[0]!.body])).toEqual(Buffer.from(big));
        expect(parts[1]!.taken).toBeUndefined();
        expect(Buffer.from(parts[1]!.body)).toEqual(Buffer.from(small));
      }),
      { numRuns: 200 },
    );
  });

  it('gives nothing between parts', () => {
    const parser = new MultipartStreamParser(BOUNDARY);
    expect(parser.takePartialBody()).toEqual([]);
    parser.push(body([enc.encode('abc')]));
    expect(parser.takePartialBody()).toEqual([]);
  });
});
