/**
 * Our DICOM → DICOM JSON reader: the Japanese fixtures (test/fixtures/charsets, PS3.5 Annex H) decode through
 * readPart10Header, sequence items use their own or the inherited character set, values follow PS3.18 F.2 in
 * every transfer syntax, and broken files end in a Part10Error, never in a crash.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { DicomDataError, datasetToDicomJson, part10ToDicomJson } from '../../../../../electron/services/dicom/datasetJson';
import { Part10Error, readPart10Header } from '../../../../../electron/services/dicom/part10';
import { repoRoot, sharedDataDir } from '../../../../support/data';

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/charsets', name)));
const tsFixture = (name: string) => new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/ts', name)));
const headerOf = (name: string) => readPart10Header(fixture(name)).dataset;
const item = (ds: DicomJsonDataset, tag: string, index = 0) => ds[tag]!.Value![index] as DicomJsonDataset;

describe('the Japanese fixtures (PS3.5 Annex H) through readPart10Header', () => {
  it('chrH31: \\ISO 2022 IR 87', () => {
    const ds = headerOf('chrH31.dcm');
    expect(ds['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }] });
    // PS3.18 F.2.5: the empty value 1 is kept, as null.
    expect(ds['00080005']).toEqual({ vr: 'CS', Value: [null, 'ISO 2022 IR 87'] });
  });

  it('chrH32: ISO 2022 IR 13\\ISO 2022 IR 87, half-width katakana in G1', () => {
    expect(headerOf('chrH32.dcm')['00100010']).toEqual({
      vr: 'PN',
      Value: [{ Alphabetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }],
    });
  });

  it('chrJapMulti: a name in one value, two in a multi-valued PN, and an LT', () => {
    const ds = headerOf('chrJapMulti.dcm');
    expect(ds['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'やまだ^たろう' }] });
    expect(ds['00101001']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'やまだ^たろう' }, { Alphabetic: 'やまだ^たろう' }] });
    expect(ds['001021B0']).toEqual({ vr: 'LT', Value: ['たろう'] });
    expect(ds['00080090']).toEqual({ vr: 'PN' }); // empty element: vr only
  });

  it('chrX1 (UTF-8), chrFren, chrFrenMulti and chrGerm (ISO_IR 100)', () => {
    expect(headerOf('chrX1.dcm')['00100010']!.Value).toEqual([{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' }]);
    expect(headerOf('chrFren.dcm')['00100010']!.Value).toEqual([{ Alphabetic: 'Buc^Jérôme' }]);
    const multi = headerOf('chrFrenMulti.dcm');
    expect(multi['00100010']!.Value).toEqual([{ Alphabetic: 'Buc^Jérôme' }]);
    expect(multi['00101000']).toEqual({ vr: 'LO', Value: ['eggs', 'spam'] });
    expect(headerOf('chrGerm.dcm')['00100010']!.Value).toEqual([{ Alphabetic: 'Äneas^Rüdiger' }]);
  });

  const SQ_NAME = { vr: 'PN', Value: [{ Alphabetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }] };

  it("chrSQEncoding: a sequence item's own ISO 2022 set overrides the dataset's UTF-8", () => {
    const ds = headerOf('chrSQEncoding.dcm');
    expect(ds['00080005']!.Value).toEqual(['ISO_IR 192']);
    expect(ds['00321032']!.Value).toEqual([{ Alphabetic: 'Doctor^Who^^MD' }]);
    const requested = item(ds, '00321064');
    expect(requested['00080005']!.Value).toEqual(['ISO 2022 IR 13', 'ISO 2022 IR 87']);
    expect(requested['00100010']).toEqual(SQ_NAME);
  });

  it("chrSQEncoding1: a sequence item without (0008,0005) inherits the dataset's Japanese set", () => {
    const ds = headerOf('chrSQEncoding1.dcm');
    const requested = item(ds, '00321064');
    expect(requested['00080005']).toBeUndefined();
    expect(requested['00100010']).toEqual(SQ_NAME);
  });

  it('part10ToDicomJson: the Transfer Syntax UID from the meta group, no pixel data', () => {
    const { transferSyntaxUid, dataset } = part10ToDicomJson(fixture('chrH31.dcm'));
    expect(transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(dataset['00020010']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.1.2.1'] });
    expect(dataset['7FE00010']).toBeUndefined();
    expect(Object.keys(dataset).filter((k) => k.startsWith('0002'))).toEqual(['00020010']);
    expect(Object.keys(dataset).every((k) => /^[0-9A-F]{8}$/.test(k))).toBe(true);
  });
});

describe('transfer syntaxes', () => {
  it('the same CT in explicit LE, big endian, deflated, RLE and JPEG-LS gives the same JSON', () => {
    const names = [
      'LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1',
      'BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2',
      'DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99',
      'RLELosslessTransferSyntax_1.2.840.10008.1.2.5',
      'JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80',
    ];
    const [reference, ...others] = names.map((n) => {
      const { dataset } = readPart10Header(tsFixture(`CTImage.dcm_${n}.dcm`));
      delete dataset['00020010'];
      return dataset;
    });
    expect(reference!['00280010']).toEqual({ vr: 'US', Value: [512] });
    expect(reference!['00200032']!.Value).toHaveLength(3);
    for (const other of others) expect(other).toEqual(reference);
  });
});

// -------------------------------------------------------------------------------------------------------------
// Bare datasets, written here byte by byte.

interface Syntax {
  explicit: boolean;
  little: boolean;
}
const IMPLICIT: Syntax = { explicit: false, little: true };
const EXPLICIT: Syntax = { explicit: true, little: true };
const BIG: Syntax = { explicit: true, little: false };
const SHORT = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US']);
const UNDEFINED = 0xffffffff;

function uint(value: number, size: 2 | 4, little: boolean): number[] {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  if (size === 2) view.setUint16(0, value, little);
  else view.setUint32(0, value, little);
  return [...out];
}
const tagBytes = (tag: number, s: Syntax) => [...uint(tag >>> 16, 2, s.little), ...uint(tag & 0xffff, 2, s.little)];
/** Text padded to even length (a space, or NUL for UI). */
function text(s: string, vr = 'LO'): number[] {
  const b = [...s].map((c) => c.charCodeAt(0));
  if (b.length % 2) b.push(vr === 'UI' ? 0 : 0x20);
  return b;
}
function element(s: Syntax, tag: number, vr: string, value: number[], length = value.length): number[] {
  if (!s.explicit) return [...tagBytes(tag, s), ...uint(length, 4, s.little), ...value];
  const vrBytes = [vr.charCodeAt(0), vr.charCodeAt(1)];
  if (SHORT.has(vr)) return [...tagBytes(tag, s), ...vrBytes, ...uint(length, 2, s.little), ...value];
  return [...tagBytes(tag, s), ...vrBytes, 0, 0, ...uint(length, 4, s.little), ...value];
}
function itemOf(s: Syntax, content: number[], undefinedLength = false): number[] {
  if (!undefinedLength) return [...tagBytes(0xfffee000, s), ...uint(content.length, 4, s.little), ...content];
  return [...tagBytes(0xfffee000, s), ...uint(UNDEFINED, 4, s.little), ...content, ...tagBytes(0xfffee00d, s), 0, 0, 0, 0];
}
function sequence(s: Syntax, tag: number, items: number[][], undefinedLength = false, vr = 'SQ'): number[] {
  const body = items.flat();
  if (!undefinedLength) return element(s, tag, vr, body);
  return element(s, tag, vr, [...body, ...tagBytes(0xfffee0dd, s), 0, 0, 0, 0], UNDEFINED);
}
const u8 = (...parts: number[][]) => Uint8Array.from(parts.flat());
const le = (values: number[], size: 2 | 4, little = true) => values.flatMap((v) => uint(v, size, little));

/** ISO 2022 IR 87 bytes of 山田^太郎 (PS3.5 H.3.1). */
const YAMADA = [...'\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B'].map((c) => c.charCodeAt(0));

function part10(transferSyntaxUid: string, dataset: number[]): Uint8Array {
  const meta = element(EXPLICIT, 0x00020010, 'UI', text(transferSyntaxUid, 'UI'));
  return u8(new Array<number>(128).fill(0), text('DICM'), meta, dataset);
}

describe('datasetToDicomJson (bare datasets, e.g. C-FIND identifiers)', () => {
  it('implicit VR: character sets, inheritance, numbers as strings, private and nested sequences', () => {
    const s = IMPLICIT;
    const bytes = u8(
      element(s, 0x00080000, 'UL', le([999], 4)), // group length: dropped
      element(s, 0x00080005, 'CS', text('\\ISO 2022 IR 87')),
      element(s, 0x00080018, 'UI', text('1.2.3', 'UI')),
      element(s, 0x00090010, 'LO', text('ACME')),
      element(s, 0x00091001, 'UN', [1, 2, 3, 4]),
      sequence(s, 0x00091002, [itemOf(s, element(s, 0x00100020, 'LO', text('PRIVATE-ITEM')))]),
      element(s, 0x00100010, 'PN', YAMADA),
      element(s, 0x00101010, 'AS', text('   ')),
      element(s, 0x00200013, 'IS', text(' 12 ')),
      element(s, 0x00200032, 'DS', text('1.5\\\\-2e3')),
      element(s, 0x00201041, 'DS', text('abc')),
      element(s, 0x00280010, 'US', le([512], 2)),
      element(s, 0x00280103, 'US', le([1], 2)),
      element(s, 0x00280106, 'US', le([0xfc18], 2)), // US or SS: signed because Pixel Representation is 1
      element(s, 0x00321060, 'LO', text('Jérôme')),
      sequence(
        s,
        0x00400275,
        [
          itemOf(s, [...element(s, 0x00080005, 'CS', text('ISO_IR 100')), ...element(s, 0x00400007, 'LO', text('J\xe9r\xf4me'))], true),
          itemOf(s, element(s, 0x00400007, 'LO', YAMADA)),
          itemOf(s, []),
        ],
        true,
      ),
      element(s, 0x40000010, 'LT', text('  indented\\not split ')),
    );
    expect(datasetToDicomJson(bytes, '1.2.840.10008.1.2')).toEqual({
      '00080005': { vr: 'CS', Value: [null, 'ISO 2022 IR 87'] },
      '00080018': { vr: 'UI', Value: ['1.2.3'] },
      '00090010': { vr: 'LO', Value: ['ACME'] },
      '00091001': { vr: 'UN', InlineBinary: 'AQIDBA==' },
      '00091002': { vr: 'SQ', Value: [{ '00100020': { vr: 'LO', Value: ['PRIVATE-ITEM'] } }] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: '山田^太郎' }] },
      '00101010': { vr: 'AS' },
      '00200013': { vr: 'IS', Value: [12] },
      '00200032': { vr: 'DS', Value: [1.5, null, -2000] },
      '00201041': { vr: 'DS' },
      '00280010': { vr: 'US', Value: [512] },
      '00280103': { vr: 'US', Value: [1] },
      '00280106': { vr: 'SS', Value: [-1000] },
      '00321060': { vr: 'LO', Value: ['Jérôme'] }, // undeclared 8-bit bytes: read as Latin-1 rather than lost
      '00400275': {
        vr: 'SQ',
        Value: [
          { '00080005': { vr: 'CS', Value: ['ISO_IR 100'] }, '00400007': { vr: 'LO', Value: ['Jérôme'] } },
          { '00400007': { vr: 'LO', Value: ['山田^太郎'] } },
          {},
        ],
      },
      '40000010': { vr: 'LT', Value: ['  indented\\not split'] },
    });
  });

  it('uses the inherited character set when the dataset declares none', () => {
    const bytes = u8(element(EXPLICIT, 0x00100010, 'PN', [0xd4, 0xcf, 0xc0, 0xde]));
    expect(datasetToDicomJson(bytes, '1.2.840.10008.1.2.1', ['ISO 2022 IR 13'])['00100010']!.Value).toEqual([{ Alphabetic: 'ﾔﾏﾀﾞ' }]);
    expect(datasetToDicomJson(bytes, '1.2.840.10008.1.2.1')['00100010']!.Value).toEqual([{ Alphabetic: 'ÔÏÀÞ' }]);
  });

  it('explicit VR big endian: binary numbers, tags and words in the dataset byte order', () => {
    const s = BIG;
    const f32 = new Uint8Array(4);
    new DataView(f32.buffer).setFloat32(0, 1.5, false);
    const f64 = new Uint8Array(16);
    new DataView(f64.buffer).setFloat64(0, -0.25, false);
    new DataView(f64.buffer).setFloat64(8, Number.NaN, false);
    const uv = new Uint8Array(16);
    new DataView(uv.buffer).setBigUint64(0, 2n ** 60n + 1n, false);
    new DataView(uv.buffer).setBigUint64(8, 42n, false);
    const sv = new Uint8Array(8);
    new DataView(sv.buffer).setBigInt64(0, -7n, false);
    const bytes = u8(
      element(s, 0x00181310, 'US', le([0, 256, 65535], 2, false)),
      element(s, 0x00209113, 'SS', le([0xffff], 2, false)),
      element(s, 0x00209152, 'UL', le([70000], 4, false)),
      element(s, 0x00209153, 'SL', le([0xfffffffe], 4, false)),
      element(s, 0x00209154, 'FL', [...f32]),
      element(s, 0x00209155, 'FD', [...f64]),
      element(s, 0x00209165, 'AT', [...le([0x0020, 0x0032], 2, false), ...le([0x7fe0, 0x0010], 2, false)]),
      element(s, 0x00660040, 'UV', [...uv]),
      element(s, 0x00660041, 'SV', [...sv]),
      element(s, 0x50000001, 'OW', le([0x0102, 0x0304], 2, false)),
      element(s, 0x50000002, 'OB', [1, 2, 3]),
    );
    expect(datasetToDicomJson(bytes, '1.2.840.10008.1.2.2')).toEqual({
      '00181310': { vr: 'US', Value: [0, 256, 65535] },
      '00209113': { vr: 'SS', Value: [-1] },
      '00209152': { vr: 'UL', Value: [70000] },
      '00209153': { vr: 'SL', Value: [-2] },
      '00209154': { vr: 'FL', Value: [1.5] },
      '00209155': { vr: 'FD', Value: [-0.25, null] }, // JSON has no NaN
      '00209165': { vr: 'AT', Value: ['00200032', '7FE00010'] },
      '00660040': { vr: 'UV', Value: [String(2n ** 60n + 1n), 42] }, // beyond 2^53 a number would round
      '00660041': { vr: 'SV', Value: [-7] },
      '50000001': { vr: 'OW', InlineBinary: Buffer.from([2, 1, 4, 3]).toString('base64') }, // little endian in JSON
      '50000002': { vr: 'OB', InlineBinary: Buffer.from([1, 2, 3]).toString('base64') },
    });
  });

  it('deflated datasets inflate to the same JSON', () => {
    const plain = u8(element(EXPLICIT, 0x00080005, 'CS', text('\\ISO 2022 IR 87')), element(EXPLICIT, 0x00100010, 'PN', YAMADA));
    const expected = datasetToDicomJson(plain, '1.2.840.10008.1.2.1');
    expect(datasetToDicomJson(new Uint8Array(deflateRawSync(plain)), '1.2.840.10008.1.2.1.99')).toEqual(expected);
    expect(() => datasetToDicomJson(Uint8Array.of(0xff, 0xff, 0xff, 0xff), '1.2.840.10008.1.2.1.99')).toThrow(DicomDataError);
    expect(() => datasetToDicomJson(Uint8Array.of(1, 2, 3, 4), '1.2.840.10008.1.2.1.99')).toThrow(/cannot be inflated/);
  });

  it('UN: a known attribute is read by its dictionary VR, an undefined length is an implicit VR sequence (CP-246)', () => {
    const s = EXPLICIT;
    const bytes = u8(
      element(s, 0x00100010, 'UN', text('Doe^John')),
      element(s, 0x00101002, 'UN', [...itemOf(IMPLICIT, element(IMPLICIT, 0x00100020, 'LO', text('OTHER'))), ...tagBytes(0xfffee0dd, IMPLICIT), 0, 0, 0, 0], UNDEFINED),
      element(s, 0x00111001, 'UN', [9, 9]),
    );
    expect(datasetToDicomJson(bytes, '1.2.840.10008.1.2.1')).toEqual({
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^John' }] },
      '00101002': { vr: 'SQ', Value: [{ '00100020': { vr: 'LO', Value: ['OTHER'] } }] },
      '00111001': { vr: 'UN', InlineBinary: 'CQk=' },
    });
  });

  it('binary values travel inline up to 16 KiB, larger ones are left out', () => {
    const bytes = u8(element(EXPLICIT, 0x00091010, 'OB', new Array<number>(16 * 1024).fill(7)), element(EXPLICIT, 0x00091011, 'OB', new Array<number>(16 * 1024 + 2).fill(7)));
    const json = datasetToDicomJson(bytes, '1.2.840.10008.1.2.1');
    expect(Buffer.from(json['00091010']!.InlineBinary!, 'base64')).toHaveLength(16 * 1024);
    expect(json['00091011']).toBeUndefined();
  });

  it('refuses nesting beyond 64 levels instead of overflowing the stack', () => {
    let nested = element(EXPLICIT, 0x00100020, 'LO', text('X'));
    for (let i = 0; i < 70; i++) nested = sequence(EXPLICIT, 0x00400275, [itemOf(EXPLICIT, nested)]);
    expect(() => datasetToDicomJson(Uint8Array.from(nested), '1.2.840.10008.1.2.1')).toThrow(/deeper than 64/);
  });
});

describe('Part 10 files written here', () => {
  it('reads OV elements (Extended Offset Table) by their 4-byte length and stops at the pixel data', () => {
    const s = EXPLICIT;
    const file = part10(
      '1.2.840.10008.1.2.4.50',
      [
        element(s, 0x00100010, 'PN', text('Doe^Jane')),
        element(s, 0x7fe00001, 'OV', new Array<number>(16).fill(1)),
        element(s, 0x7fe00002, 'OV', new Array<number>(16).fill(2)),
        element(s, 0x7fe00010, 'OB', [...itemOf(s, []), ...itemOf(s, [0xff, 0xd8, 0xff, 0xd9]), ...tagBytes(0xfffee0dd, s), 0, 0, 0, 0], UNDEFINED),
        element(s, 0xfffcfffc, 'OB', [0, 0]),
      ].flat(),
    );
    const { dataset } = readPart10Header(file);
    expect(Object.keys(dataset)).toEqual(['00020010', '00100010', '7FE00001', '7FE00002']);
    expect(dataset['7FE00001']!.InlineBinary).toBe(Buffer.alloc(16, 1).toString('base64'));
  });

  it('tolerates an implicit VR dataset announced as explicit, and the reverse', () => {
    const implicitData = [...element(IMPLICIT, 0x00100010, 'PN', text('Doe^Jane')), ...element(IMPLICIT, 0x00280010, 'US', le([64], 2))];
    expect(readPart10Header(part10('1.2.840.10008.1.2.1', implicitData)).dataset['00280010']).toEqual({ vr: 'US', Value: [64] });
    const explicitData = [...element(EXPLICIT, 0x00100010, 'PN', text('Doe^Jane')), ...element(EXPLICIT, 0x00280010, 'US', le([64], 2))];
    expect(readPart10Header(part10('1.2.840.10008.1.2', explicitData)).dataset['00100010']!.Value).toEqual([{ Alphabetic: 'Doe^Jane' }]);
  });

  it('says why it cannot read a file, as Part10Error', () => {
    expect(() => readPart10Header(new Uint8Array(100))).toThrow(new Part10Error('Not a DICOM Part 10 file (no "DICM" preamble)'));
    const noSyntax = u8(new Array<number>(128).fill(0), text('DICM'), element(EXPLICIT, 0x00020002, 'UI', text('1.2', 'UI')));
    expect(() => readPart10Header(noSyntax)).toThrow(new Part10Error('File meta information has no Transfer Syntax UID'));
    const whole = fixture('chrH31.dcm');
    expect(() => readPart10Header(whole.subarray(0, 700))).toThrow(Part10Error);
    expect(() => readPart10Header(whole.subarray(0, 700))).toThrow(/truncated/);
  });
});

// -------------------------------------------------------------------------------------------------------------
// Robustness

/** Only Part10Error may come out of readPart10Header, and never one that betrays a bug in the reader. */
function readsOrExplains(bytes: Uint8Array): 'parsed' | 'refused' {
  try {
    readPart10Header(bytes);
    return 'parsed';
  } catch (err) {
    expect(err).toBeInstanceOf(Part10Error);
    expect((err as Error).message).not.toMatch(/outside the bounds|Cannot read prop|is not a function|undefined/);
    return 'refused';
  }
}

describe('robustness', () => {
  it('damaged copies of real files (bytes overwritten, cut short) parse or are refused with a Part10Error', () => {
    const originals = [fixture('chrH31.dcm'), fixture('chrSQEncoding.dcm'), tsFixture('CTImage.dcm_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm').subarray(0, 4096)];
    const damage = fc.record({
      original: fc.constantFrom(...originals.keys()),
      writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(damage, ({ original, writes, cut }) => {
        const bytes = originals[original]!.slice();
        for (const [at, value] of writes) bytes[132 + (at % (bytes.length - 132))] = value;
        readsOrExplains(cut === null ? bytes : bytes.subarray(0, 132 + (cut % (bytes.length - 132))));
      }),
      { numRuns: 1500 },
    );
  });

  it('random bytes as a bare dataset give JSON or a DicomDataError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'), (bytes, ts) => {
        try {
          datasetToDicomJson(bytes, ts);
        } catch (err) {
          expect(err).toBeInstanceOf(DicomDataError);
        }
      }),
      { numRuns: 1500 },
    );
  });

  const bad = sharedDataDir('pydicom_testfiles_bad_rt');
  it.skipIf(!bad)('every file of pydicom_testfiles_bad_rt parses or is refused with a reason', () => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
    const outcomes = new Map(walk(bad!).map((f) => [path.relative(bad!, f), readsOrExplains(new Uint8Array(readFileSync(f)))]));
    expect(outcomes.size).toBeGreaterThan(150);
    for (const parsed of ['nested_priv_SQ.dcm', 'UN_sequence.dcm', 'no_meta_group_length.dcm', 'ExplVR_BigEnd.dcm', 'MR_small_implicit.dcm', 'image_dfl.dcm', 'J2K_pixelrep_mismatch.dcm', 'badVR.dcm', 'empty_charset_LEI.dcm']) {
      expect(outcomes.get(parsed), parsed).toBe('parsed');
    }
    for (const refused of ['no_meta.dcm', 'meta_missing_tsyntax.dcm', 'rtplan_truncated.dcm', 'ExplVR_BigEndNoMeta.dcm']) {
      expect(outcomes.get(refused), refused).toBe('refused');
    }
    const read = (f: string) => readPart10Header(new Uint8Array(readFileSync(path.join(bad!, f)))).dataset;
    // A private sequence in implicit VR, nested twice; and a UN of undefined length holding sequences (CP-246).
    expect(item(read('nested_priv_SQ.dcm'), '00010001')['00010001']!.vr).toBe('SQ');
    expect(item(read('UN_sequence.dcm'), '4453100C')['00081115']!.vr).toBe('SQ');
    expect(read('MR_small_implicit.dcm')).toEqual({ ...read('MR_small.dcm'), '00020010': { vr: 'UI', Value: ['1.2.840.10008.1.2'] } });
    expect(() => read('meta_missing_tsyntax.dcm')).toThrow('File meta information has no Transfer Syntax UID');
  });
});
