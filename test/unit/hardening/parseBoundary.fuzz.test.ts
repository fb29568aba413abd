/**
 * Issue 16, fuzzing the parse boundary with fast-check: the DICOM JSON reader (Part 10 bytes → DICOM JSON), the
 * character set decoder, the multipart parsers (whole body and streamed) and the SEG reader. Properties: each
 * throws nothing but its own error type, with a message a user can read; inputs are bounded in size, so nothing
 * can hang; where a writer exists, what it writes reads back the same.
 *
 * `npm test` runs a short, fixed-seed run. `npm run fuzz` runs the same properties with DOKUEI_FUZZ_RUNS cases in
 * all (split evenly between the properties) and a fresh seed, printed so a failure can be replayed with
 * DOKUEI_FUZZ_SEED. Prints the `fuzz:` figures line that `npm run test:hardening` gathers.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeDicomText } from '../../../common/dicom/charset';
import type { DicomJsonDataset, DicomJsonElement } from '../../../common/dicom/dicomJson';
import { decodeMultipart, encodeMultipart, MultipartError } from '../../../common/dicom/multipart';
import { MultipartStreamError, MultipartStreamParser } from '../../../common/dicom/multipartStream';
import { findPixelData, readSegHeader, SegError, segFrameValues, segToMasks } from '../../../common/seg';
import { DicomDataError, part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import { generatedBadInputs, isClearMessage } from '../../support/badInputs';
import { writeDcmjs } from '../../support/dcmjsWrite';
import { encapsulatedMr, nativeMr } from '../../support/incompleteInstances';

const PROPERTIES = 9;
/** Cases in all: a short run in `npm test`, DOKUEI_FUZZ_RUNS (e.g. 100000) under `npm run fuzz`. */
const TOTAL = Math.max(PROPERTIES, Number(process.env.DOKUEI_FUZZ_RUNS) || 2000);
const RUNS = Math.ceil(TOTAL / PROPERTIES);
const SEED = process.env.DOKUEI_FUZZ_SEED ? Number(process.env.DOKUEI_FUZZ_SEED) : process.env.DOKUEI_FUZZ_RUNS ? Date.now() % 2 ** 31 : 16;
/** Generous: the slowest property (SEG headers) runs about 100 cases a second on these machines. */
const TIMEOUT = 60_000 + RUNS * 20;

const figures = { cases: 0, crashes: 0 };
afterAll(() => {
  console.log(`fuzz: ${figures.cases} cases / crashes ${figures.crashes} (seed ${SEED})`);
});

/** Runs a property, counts its cases and its failure (a crash: an error of the wrong type, or an unclear message). */
function check<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void): void {
  const result = fc.check(fc.property(arb, predicate), { numRuns: RUNS, seed: SEED });
  figures.cases += result.numRuns;
  if (result.failed) figures.crashes++;
  expect(result.failed, fc.defaultReportMessage(result) ?? '').toBe(false);
}

/** Calls `fn`; an error must be of `type` and carry a clear message, anything else fails the property. */
function onlyThrows(type: new (...args: never[]) => Error, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof type)) throw new Error(`threw ${(err as Error)?.name ?? typeof err}: ${String((err as Error)?.message ?? err)}`, { cause: err });
    if (!isClearMessage(err.message)) throw new Error(`${type.name} with an unclear message: ${JSON.stringify(err.message)}`, { cause: err });
  }
}

/** A valid file damaged: bytes overwritten, a run inserted or removed, the end cut. */
function damaged(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
      insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 64 }))),
      cut: fc.option(fc.nat()),
    })
    .map(({ seed, writes, insert, cut }) => {
      let bytes = seeds[seed]!.slice();
      for (const [at, value] of writes) bytes[132 + (at % Math.max(1, bytes.length - 132))] = value;
      if (insert) {
        const at = insert[0] % bytes.length;
        bytes = new Uint8Array([...bytes.subarray(0, at), ...insert[1], ...bytes.subarray(at)]);
      }
      if (cut !== null) bytes = bytes.slice(0, cut % (bytes.length + 1));
      return bytes;
    });
}

describe('DICOM JSON reader (Part 10 → DICOM JSON)', () => {
  // Valid files and the corpus's structural cases, small ones only (bounded input: the 1000-deep nests stay out).
  const seeds = [nativeMr(), encapsulatedMr({ frames: 2 }), ...generatedBadInputs().filter((f) => f.bytes.length < 20_000 && f.family !== 'flipped').map((f) => f.bytes)];

  it('a damaged file throws only DicomDataError, with a sentence', () => {
    check(damaged(seeds), (bytes) => onlyThrows(DicomDataError, () => part10ToDicomJson(bytes)));
  }, TIMEOUT);

  it('anything after the preamble throws only DicomDataError', () => {
    const head = nativeMr().subarray(0, 132);
    check(fc.uint8Array({ maxLength: 4096 }), (tail) => onlyThrows(DicomDataError, () => part10ToDicomJson(new Uint8Array([...head, ...tail]))));
  }, TIMEOUT);

  it('text values written by a writer (dcmjs, UTF-8) read back the same', () => {
    // DICOM text: no backslash (the value separator), no control characters, no padding spaces at either end;
    // PN also without its ^ and = delimiters.
    const text = (max: number, extra = '') =>
      fc.string({ unit: 'grapheme', maxLength: max }).map((s) => s.replace(new RegExp(`[\\\\\\u0000-\\u001f\\u007f${extra}]`, 'gu'), '').trim());
    check(fc.record({ name: text(20, '^='), id: text(30), description: text(60) }), ({ name, id, description }) => {
      const bytes = writeDcmjs({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
        SOPInstanceUID: '2.25.16',
        SpecificCharacterSet: 'ISO_IR 192',
        PatientName: name,
        PatientID: id,
        StudyDescription: description,
      });
      const ds = part10ToDicomJson(bytes).dataset;
      const value = (tag: string) => ds[tag]?.Value?.[0];
      expect((value('00100010') as { Alphabetic?: string } | undefined)?.Alphabetic ?? '').toBe(name);
      expect(value('00100020') ?? '').toBe(id);
      expect(value('00081030') ?? '').toBe(description);
    });
  }, TIMEOUT);
});

describe('character set decoder', () => {
  const terms = ['', 'ISO_IR 6', 'ISO_IR 100', 'ISO_IR 101', 'ISO_IR 109', 'ISO_IR 110', 'ISO_IR 144', 'ISO_IR 127', 'ISO_IR 126', 'ISO_IR 138', 'ISO_IR 148', 'ISO_IR 13', 'ISO_IR 166', 'ISO_IR 192', 'GB18030', 'GBK', 'ISO 2022 IR 6', 'ISO 2022 IR 87', 'ISO 2022 IR 159', 'ISO 2022 IR 13', 'ISO 2022 IR 149', 'ISO 2022 IR 58', 'ISO 2022 IR 100', 'ISO 2022 IR 166'];
  const charsets = fc.array(fc.oneof(fc.constantFrom(...terms), fc.string({ maxLength: 16 })), { maxLength: 4 });

  it('any bytes under any Specific Character Set decode to a string, never throw', () => {
    check(fc.record({ bytes: fc.uint8Array({ maxLength: 512 }), charsets, vr: fc.constantFrom('PN', 'LO', 'SH', 'LT', 'ST', 'UT', 'UC', 'CS') }), ({ bytes, charsets: cs, vr }) => {
      // ISO 2022 escape sequences are where a decoder goes wrong: seed some.
      const withEscapes = bytes.length > 3 ? bytes.map((b, i) => (i % 17 === 0 ? 0x1b : b)) : bytes;
      expect(typeof decodeDicomText(withEscapes, cs, vr)).toBe('string');
      expect(typeof decodeDicomText(bytes, cs, vr)).toBe('string');
    });
  }, TIMEOUT);

  it('UTF-8 (ISO_IR 192) and Latin-1 (ISO_IR 100) text round-trips', () => {
    check(fc.record({ utf8: fc.string({ unit: 'grapheme', maxLength: 64 }), latin1: fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c < 0x7f || c > 0x9f).map((c) => String.fromCharCode(c)), maxLength: 64 }) }), ({ utf8, latin1 }) => {
      expect(decodeDicomText(new TextEncoder().encode(utf8), ['ISO_IR 192'], 'LT')).toBe(utf8);
      expect(decodeDicomText(Uint8Array.from(latin1, (c) => c.charCodeAt(0)), ['ISO_IR 100'], 'LT')).toBe(latin1);
    });
  }, TIMEOUT);
});

describe('multipart parsers', () => {
  const boundary = fc.stringMatching(/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/);
  const parts = fc.array(fc.record({ contentType: fc.constantFrom('application/dicom', 'application/octet-stream', 'application/dicom+json'), body: fc.uint8Array({ maxLength: 300 }) }), { minLength: 1, maxLength: 5 });

  it('what encodeMultipart writes both parsers read back, in any chunking', () => {
    check(fc.record({ boundary, parts, cuts: fc.array(fc.nat(), { maxLength: 8 }) }), ({ boundary: b, parts: p, cuts }) => {
      // A body holding its own delimiter cannot round-trip (the writer's caller picks a boundary that is not in it).
      const delimiter = new TextEncoder().encode(`\r\n--${b}`);
      fc.pre(p.every((x) => !Buffer.from(x.body).includes(Buffer.from(delimiter)) && !Buffer.from([0x0d, 0x0a, ...x.body]).includes(Buffer.from(delimiter))));
      const body = encodeMultipart(p, b);
      const whole = decodeMultipart(body, b);
      expect(whole.map((x) => [x.contentType, Buffer.from(x.body).toString('hex')])).toEqual(p.map((x) => [x.contentType, Buffer.from(x.body).toString('hex')]));
      const parser = new MultipartStreamParser(b);
      const streamed = [];
      const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((x, y) => x - y);
      let from = 0;
      for (const at of [...points, body.length]) {
        streamed.push(...parser.push(body.subarray(from, at)));
        from = at;
      }
      parser.end();
      expect(streamed.map((x) => Buffer.from(x.body).toString('hex'))).toEqual(p.map((x) => Buffer.from(x.body).toString('hex')));
    });
  }, TIMEOUT);

  it('damaged bodies throw only MultipartError / MultipartStreamError, with a sentence', () => {
    const valid = fc.record({ boundary, parts }).map(({ boundary: b, parts: p }) => ({ b, body: encodeMultipart(p, b) }));
    const damage = fc.record({ writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), cut: fc.option(fc.nat()), junk: fc.option(fc.uint8Array({ maxLength: 600 })) });
    check(fc.record({ valid, damage, chunk: fc.integer({ min: 1, max: 97 }) }), ({ valid: { b, body }, damage: { writes, cut, junk } }) => {
      let bytes: Uint8Array = junk ?? body.slice();
      for (const [at, v] of writes) if (bytes.length) bytes[at % bytes.length] = v;
      if (cut !== null) bytes = bytes.slice(0, cut % (bytes.length + 1));
      onlyThrows(MultipartError, () => decodeMultipart(bytes, b));
      onlyThrows(MultipartStreamError, () => {
        const parser = new MultipartStreamParser(b);
        for (let i = 0; i < bytes.length; i += 61) parser.push(bytes.subarray(i, i + 61));
        parser.end();
      });
    });
  }, TIMEOUT);
});

describe('SEG reader', () => {
  const leaf: fc.Arbitrary<unknown> = fc.oneof(fc.integer({ min: -5, max: 3000 }), fc.double(), fc.string({ maxLength: 12 }), fc.constantFrom('BINARY', 'FRACTIONAL', '1', '0', '-1', '1e309', 65535, 1e9), fc.constant(null));
  // DICOM JSON as WADO-RS metadata might bring it: the SEG tags with values of any type, sequences nested a little.
  const segTags = ['00620001', '00280010', '00280011', '00280100', '00280008', '00620010', '00620002', '00620004', '00620005', '52009229', '52009230', '0062000A', '0062000B', '00209113', '00200032', '00209116', '00200037', '00289110', '00280030', '00080018', '00200052', '00089124', '00082112', '00081155', '00081115', '0020000E'];
  const { dataset } = fc.letrec<{ dataset: DicomJsonDataset; element: DicomJsonElement }>((tie) => ({
    dataset: fc.dictionary(fc.constantFrom(...segTags), tie('element'), { maxKeys: 12 }) as fc.Arbitrary<DicomJsonDataset>,
    element: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ vr: fc.constantFrom('US', 'IS', 'DS', 'CS', 'LO', 'UI'), Value: fc.array(leaf, { maxLength: 6 }) }),
      fc.record({ vr: fc.constant('SQ'), Value: fc.array(tie('dataset'), { maxLength: 3 }) }),
    ) as fc.Arbitrary<DicomJsonElement>,
  }));
  const grid = { dims: [4, 3, 5] as [number, number, number], spacing: [2, 2, 3] as [number, number, number], origin: [-10, -20, 100] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

  it('any header and pixel data throw only SegError, with a sentence', () => {
    check(fc.record({ ds: dataset, pixels: fc.uint8Array({ maxLength: 256 }) }), ({ ds, pixels }) => {
      onlyThrows(SegError, () => readSegHeader(ds));
      onlyThrows(SegError, () => segToMasks(ds, pixels, grid));
    });
  }, TIMEOUT);

  it('frames and Part 10 bytes: findPixelData and segFrameValues throw only SegError', () => {
    const header = fc.record({ type: fc.constantFrom('BINARY' as const, 'FRACTIONAL' as const), rows: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(65535)), columns: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(65535)), frames: fc.array(fc.constant({ segmentNumber: 1, sourceSopInstanceUids: [] as string[] }), { minLength: 1, maxLength: 8 }) });
    check(fc.record({ bytes: fc.uint8Array({ maxLength: 2048 }), header, frame: fc.integer({ min: -2, max: 10 }) }), ({ bytes, header: h, frame }) => {
      onlyThrows(SegError, () => findPixelData(bytes));
      onlyThrows(SegError, () => segFrameValues(bytes, h, frame));
    });
  }, TIMEOUT);
});
