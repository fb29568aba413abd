/**
 * DICOM text decoding at the byte boundary: the PS3.5 Annex H/I/J/K examples, the reset rules of PS3.5
 * 6.1.2.5.3, and properties over arbitrary bytes (never throws; ASCII is ASCII under every set; JIS X 0208/0212
 * and half-width katakana survive an ISO 2022 round trip through an encoder built here from the EUC-JP tables).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDicomText, decodePersonName, joinPersonNameGroups, parsePersonName } from '../../../../common/dicom/charset';

const ESC = 0x1b;
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
/** Octal-escaped byte strings as pydicom and PS3.5 print them. */
const raw = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

const JAPANESE = ['', 'ISO 2022 IR 87'];
const JAPANESE_KATAKANA = ['ISO 2022 IR 13', 'ISO 2022 IR 87'];

/** Every term Dokuei knows, alone and in the combinations sites send. */
const SUPPORTED: string[][] = [
  [],
  [''],
  ['ISO_IR 6'],
  ...['100', '101', '109', '110', '144', '127', '126', '138', '148', '203', '13', '166'].map((n) => [`ISO_IR ${n}`]),
  ['ISO_IR 192'],
  ['GB18030'],
  ['GBK'],
  ['ISO 2022 IR 6'],
  ['ISO 2022 IR 100'],
  ['ISO 2022 IR 13'],
  JAPANESE,
  JAPANESE_KATAKANA,
  ['', 'ISO 2022 IR 87', 'ISO 2022 IR 159'],
  ['ISO 2022 IR 13', 'ISO 2022 IR 87', 'ISO 2022 IR 159'],
  ['', 'ISO 2022 IR 149'],
  ['', 'ISO 2022 IR 58'],
  ['ISO 2022 IR 100', 'ISO 2022 IR 144'],
];
const VRS = ['PN', 'LO', 'SH', 'UC', 'LT', 'ST', 'UT', 'CS', 'UR'];

describe('decodeDicomText: PS3.5 examples', () => {
  it('Annex H: ISO 2022 IR 87 with ASCII (chrH31) and with half-width katakana (chrH32)', () => {
    const h31 = raw('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B');
    expect(decodeDicomText(h31, JAPANESE, 'PN')).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
    const h32 = raw('\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J');
    expect(decodeDicomText(h32, JAPANESE_KATAKANA, 'PN')).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
  });

  it('JIS X 0212 (ISO 2022 IR 159) through ESC $ ( D', () => {
    expect(decodeDicomText(raw('\x1b$(D0!\x1b(B'), ['', 'ISO 2022 IR 159'], 'LO')).toBe('丂');
  });

  it('Annex I: Korean KS X 1001 in G1 (ISO 2022 IR 149)', () => {
    const name = raw('Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf');
    expect(decodeDicomText(name, ['', 'ISO 2022 IR 149'], 'PN')).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  it('Annex J and K: UTF-8, GB18030 and GB 2312 in G1 (ISO 2022 IR 58)', () => {
    expect(decodeDicomText(new TextEncoder().encode('Wang^XiaoDong=王^小東='), ['ISO_IR 192'], 'PN')).toBe('Wang^XiaoDong=王^小東=');
    expect(decodeDicomText(raw('Wang^XiaoDong=\xcd\xf5^\xd0\xa1\xb6\xab='), ['GB18030'], 'PN')).toBe('Wang^XiaoDong=王^小东=');
    expect(decodeDicomText(raw('Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab='), ['', 'ISO 2022 IR 58'], 'PN')).toBe(
      'Zhang^XiaoDong=张^小东=',
    );
  });

  it('single-byte sets (expected strings checked against Python codecs)', () => {
    const cases: [string, string, string][] = [
      ['ISO_IR 100', 'Buc^J\xe9r\xf4me', 'Buc^Jérôme'],
      ['ISO_IR 101', 'Dvo\xf8\xe1k^Anton\xedn', 'Dvořák^Antonín'],
      ['ISO_IR 144', '\xbb\xee\xda\x63\x65\xdc\xd1\x79\x70\xd3', 'Люкceмбypг'],
      ['ISO_IR 126', '\xc4\xe9\xef\xed\xf5\xf3\xe9\xef\xf2', 'Διονυσιος'],
      ['ISO_IR 138', '\xf9\xf8\xe5\xef\x5e\xe3\xe1\xe5\xf8\xe4', 'שרון^דבורה'],
      ['ISO_IR 127', '\xe2\xc8\xc7\xe6\xea\x5e\xe4\xe6\xd2\xc7\xd1', 'قباني^لنزار'],
      ['ISO_IR 148', '\xc7ak\xfdr^\xdeebnem', 'Çakır^Şebnem'],
      ['ISO_IR 203', 'Salai\xa4\xa6', 'Salai€Š'],
      ['ISO_IR 166', '\xb9\xd2\xc2\xa4\xd3\xc3\xb9', 'นายคำรน'],
      ['ISO_IR 13', '\xd4\xcf\xc0\xde^\xc0\xdb\xb3', 'ﾔﾏﾀﾞ^ﾀﾛｳ'],
    ];
    for (const [term, input, expected] of cases) expect(decodeDicomText(raw(input), [term], 'PN'), term).toBe(expected);
  });

  it('ISO 8859-1 keeps C1 controls where the WHATWG "latin1" label (windows-1252) would put €', () => {
    expect(decodeDicomText(raw('\x80\x9f\xa0'), ['ISO_IR 100'], 'LO')).toBe('\u0080\u009f\u00a0');
  });

  it('tolerates misspelt terms and falls back to Latin-1 for unknown ones', () => {
    expect(decodeDicomText(raw('\xbb\xee'), ['ISO-IR 144'], 'LO')).toBe('Лю');
    expect(decodeDicomText(raw('J\xe9r\xf4me'), ['ISO_IR 999'], 'LO')).toBe('Jérôme');
    expect(decodeDicomText(raw('J\xe9r\xf4me'), ['LATIN-7 PLEASE'], 'LO')).toBe('Jérôme');
    expect(decodeDicomText(raw('J\xe9r\xf4me'), [], 'LO')).toBe('Jérôme');
  });

  it('honours escapes even when the character set was not declared (a common fault)', () => {
    expect(decodeDicomText(raw('\x1b$B;3ED\x1b(B'), [], 'PN')).toBe('山田');
  });
});

describe('decodeDicomText: the code extension state (PS3.5 6.1.2.5.3)', () => {
  it('returns to the initial sets at "^" and "=" in PN but not in other VRs', () => {
    // G1 switched from katakana to Latin-1 and never switched back: '^' restores katakana in PN only.
    const text = bytes([ESC, 0x2d, 0x41, 0xe9], '^', [0xb1]);
    expect(decodeDicomText(text, ['ISO 2022 IR 13', 'ISO 2022 IR 100'], 'PN')).toBe('é^ｱ');
    expect(decodeDicomText(text, ['ISO 2022 IR 13', 'ISO 2022 IR 100'], 'LO')).toBe('é^±');
  });

  it('returns to the initial sets at "\\" in multi-valued VRs, not in LT/ST/UT', () => {
    const text = bytes([ESC, 0x2d, 0x41, 0xe9], '\\', [0xb1]);
    expect(decodeDicomText(text, ['ISO 2022 IR 13', 'ISO 2022 IR 100'], 'LO')).toBe('é\\ｱ');
    expect(decodeDicomText(text, ['ISO 2022 IR 13', 'ISO 2022 IR 100'], 'LT')).toBe('é\\±');
  });

  it('returns to the initial sets before CR, LF, TAB and FF in every VR', () => {
    for (const control of [0x0d, 0x0a, 0x09, 0x0c]) {
      const text = bytes([ESC, 0x24, 0x42], ';3', [control], ';3');
      expect(decodeDicomText(text, JAPANESE, 'LT')).toBe(`山${String.fromCharCode(control)};3`);
    }
  });

  it('a delimiter byte inside a two-byte character is half of that character, not a delimiter', () => {
    // JIS X 0208 0x5C21 is a kanji whose first byte is 0x5C ('\'); 0x3B5E (a kanji) and 0x253D (ソ) end in '^' and '='.
    const jis = (b1: number, b2: number) => new TextDecoder('euc-jp').decode(Uint8Array.of(b1 | 0x80, b2 | 0x80));
    const expected = jis(0x5c, 0x21) + jis(0x3b, 0x5e) + jis(0x25, 0x3d);
    expect(expected).toMatch(/^[^\uFFFD]{2}ソ$/);
    const text = bytes([ESC, 0x24, 0x42, 0x5c, 0x21, 0x3b, 0x5e, 0x25, 0x3d, ESC, 0x28, 0x42]);
    expect(decodeDicomText(text, JAPANESE, 'PN')).toBe(expected);
    expect(decodePersonName(text, JAPANESE)).toHaveLength(1);
  });

  it('marks broken multi-byte characters with U+FFFD and carries on', () => {
    expect(decodeDicomText(bytes([ESC, 0x24, 0x42], ';', [ESC, 0x28, 0x42], 'A'), JAPANESE, 'LO')).toBe('\uFFFDA');
    expect(decodeDicomText(bytes([ESC, 0x24, 0x29, 0x43, 0xb0]), ['', 'ISO 2022 IR 149'], 'LO')).toBe('\uFFFD');
    expect(decodeDicomText(bytes('A', [ESC]), JAPANESE, 'LO')).toBe('A');
    expect(decodeDicomText(bytes('A', [ESC, 0x28]), JAPANESE, 'LO')).toBe('A(');
    expect(decodeDicomText(bytes('A', [ESC, 0x25, 0x47], 'B'), JAPANESE, 'LO')).toBe('AB'); // unknown escape: skipped
  });
});

describe('person names', () => {
  it('splits values on "\\" and component groups on "=", leaving empty groups out', () => {
    const text = new TextEncoder().encode('Wang^XiaoDong=王^小東= \\Buc^Jérôme\\');
    expect(decodePersonName(text, ['ISO_IR 192'])).toEqual([
      { Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' },
      { Alphabetic: 'Buc^Jérôme' },
      {},
    ]);
  });

  it('keeps the ideographic space U+3000 that String.trim would take', () => {
    expect(parsePersonName('=山田\u3000太郎 ')).toEqual({ Ideographic: '山田\u3000太郎' });
    expect(parsePersonName('\u3000X')).toEqual({ Alphabetic: '\u3000X' });
  });

  it('joins the groups back into the DICOM form', () => {
    expect(joinPersonNameGroups({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' })).toBe(
      'Yamada^Tarou=山田^太郎=やまだ^たろう',
    );
    expect(joinPersonNameGroups({ Ideographic: '山田^太郎' })).toBe('=山田^太郎');
    expect(joinPersonNameGroups({ Alphabetic: 'A' })).toBe('A');
    expect(joinPersonNameGroups(undefined)).toBe('');
  });
});

// -------------------------------------------------------------------------------------------------------------
// Properties

/** JIS X 0208 and 0212 encoders, built by decoding every EUC-JP pair once (the first pair wins a character). */
function jisTable(prefix: number[]): Map<string, [number, number]> {
  const decoder = new TextDecoder('euc-jp');
  const table = new Map<string, [number, number]>();
  for (let b1 = 0xa1; b1 <= 0xfe; b1++) {
    for (let b2 = 0xa1; b2 <= 0xfe; b2++) {
      const ch = decoder.decode(Uint8Array.from([...prefix, b1, b2]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [b1 & 0x7f, b2 & 0x7f]);
    }
  }
  return table;
}
const JIS_X_0208 = jisTable([]);
const JIS_X_0212 = jisTable([0x8f]);
const ESCAPE_FOR = { jisx0208: [ESC, 0x24, 0x42], jisx0212: [ESC, 0x24, 0x28, 0x44] } as const;

type Segment = { set: 'ascii' | 'katakana'; text: string } | { set: 'jisx0208' | 'jisx0212'; text: string };

const asciiText = fc.string({ unit: fc.constantFrom(...'ABCXYZabcxyz0189 .-'), minLength: 1, maxLength: 6 });
const katakanaText = fc.string({ unit: fc.integer({ min: 0xff61, max: 0xff9f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 6 });
const jisText = (table: Map<string, unknown>) => fc.array(fc.constantFrom(...table.keys()), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
const segment: fc.Arbitrary<Segment> = fc.oneof(
  asciiText.map((text) => ({ set: 'ascii' as const, text })),
  katakanaText.map((text) => ({ set: 'katakana' as const, text })),
  jisText(JIS_X_0208).map((text) => ({ set: 'jisx0208' as const, text })),
  jisText(JIS_X_0212).map((text) => ({ set: 'jisx0212' as const, text })),
);

/** How a conforming Japanese encoder writes text under ISO 2022 IR 13\ISO 2022 IR 87\ISO 2022 IR 159. */
function encodeIso2022(segments: Segment[]): number[] {
  const out: number[] = [];
  for (const s of segments) {
    if (s.set === 'ascii') out.push(...[...s.text].map((c) => c.charCodeAt(0)));
    else if (s.set === 'katakana') out.push(...[...s.text].map((c) => c.charCodeAt(0) - 0xff61 + 0xa1));
    else {
      const table = s.set === 'jisx0208' ? JIS_X_0208 : JIS_X_0212;
      out.push(...ESCAPE_FOR[s.set], ...[...s.text].flatMap((c) => table.get(c)!), ESC, 0x28, 0x4a); // back to romaji
    }
  }
  return out;
}

const ALL_JAPANESE = ['ISO 2022 IR 13', 'ISO 2022 IR 87', 'ISO 2022 IR 159'];

describe('decodeDicomText: properties', () => {
  it('the encoder tables are what the tests think they are', () => {
    expect(JIS_X_0208.size).toBeGreaterThan(6800);
    expect(JIS_X_0212.size).toBeGreaterThan(5800);
    expect(JIS_X_0208.get('山')).toEqual([0x3b, 0x33]);
  });

  const escapeSequences = [...['(B', '(J', '$B', '$@', '$(D', ')I', '$)C', '$)A', '-A', '-L', '-F'].map((s) => [ESC, ...[...s].map((c) => c.charCodeAt(0))]), [ESC]];
  const byteSoup = fc
    .array(fc.oneof(fc.constantFrom(...escapeSequences), fc.uint8Array({ maxLength: 8 }).map((a) => [...a])), { maxLength: 12 })
    .map((parts) => Uint8Array.from(parts.flat()));
  const anyCharset = fc.oneof(fc.constantFrom(...SUPPORTED), fc.array(fc.string({ maxLength: 16 }), { maxLength: 3 }));

  it('never throws, whatever the bytes, character set and VR', () => {
    fc.assert(
      fc.property(fc.oneof(byteSoup, fc.uint8Array({ maxLength: 64 })), anyCharset, fc.constantFrom(...VRS), (input, charsets, vr) => {
        expect(typeof decodeDicomText(input, charsets, vr)).toBe('string');
        expect(Array.isArray(decodePersonName(input, charsets))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('ASCII bytes decode to themselves under every supported character set', () => {
    const asciiBytes = fc.uint8Array({ min: 0, max: 0x7f, maxLength: 64 }).filter((a) => !a.includes(ESC));
    fc.assert(
      fc.property(asciiBytes, fc.constantFrom(...SUPPORTED), fc.constantFrom(...VRS), (input, charsets, vr) => {
        expect(decodeDicomText(input, charsets, vr)).toBe(String.fromCharCode(...input));
      }),
      { numRuns: 1000 },
    );
  });

  it('JIS X 0208/0212, half-width katakana and ASCII survive an ISO 2022 round trip', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.constantFrom('LO', 'LT', 'PN'), (segments, vr) => {
        const expected = segments.map((s) => s.text).join('');
        expect(decodeDicomText(Uint8Array.from(encodeIso2022(segments)), ALL_JAPANESE, vr)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('Japanese person names round-trip group by group, value by value', () => {
    const component = fc.array(segment, { minLength: 1, maxLength: 3 });
    const group = fc.array(component, { minLength: 1, maxLength: 3 });
    const name = fc.array(group, { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 3 }), (names) => {
        const join = (parts: number[][], sep: string) => parts.flatMap((p, i) => (i ? [sep.charCodeAt(0), ...p] : p));
        const encoded = join(names.map((groups) => join(groups.map((components) => join(components.map(encodeIso2022), '^')), '=')), '\\');
        // Leading/trailing padding spaces are insignificant in a group: trim them from the expectation too.
        const text = (components: Segment[][]) => components.map((c) => c.map((s) => s.text).join('')).join('^').replace(/^ +| +$/g, '');
        const expected = names.map((groups) => {
          const [a, i, p] = groups.map(text);
          return { ...(a ? { Alphabetic: a } : {}), ...(i ? { Ideographic: i } : {}), ...(p ? { Phonetic: p } : {}) };
        });
        expect(decodePersonName(Uint8Array.from(encoded), ALL_JAPANESE)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
