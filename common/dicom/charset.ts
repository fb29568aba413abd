/**
 * DICOM text bytes → Unicode, following PS3.5 §6.1 and Annexes H (Japanese), I (Korean), J (UTF-8, GB18030,
 * GBK) and K (Chinese, ISO 2022).
 *
 * Why our own: dcmjs refuses a multi-valued Specific Character Set and knows no ISO 2022 escape sequences, yet
 * Japanese systems send names as "\ISO 2022 IR 87" or "ISO 2022 IR 13\ISO 2022 IR 87". This module is pure
 * TypeScript over the standard TextDecoder (Node with full ICU and every browser have the CJK decoders), so
 * the services and the renderer decode alike.
 *
 * It never throws: unknown terms fall back to the default repertoire, bytes outside it are read as Latin-1,
 * and broken multi-byte characters become U+FFFD. A name shown imperfectly beats a study that will not open.
 */
import type { PersonNameValue } from './dicomJson';

const ESC = 0x1b;
const REPLACEMENT = '\uFFFD';

// ---------------------------------------------------------------------------------------------------------
// Decoders and single-byte tables, built on first use.

/** Written this way because Node's types declare TextDecoder as a value only, the DOM's as a type too. */
type Decoder = InstanceType<typeof TextDecoder>;
const decoders = new Map<string, Decoder | null>();

function decoder(label: string): Decoder | null {
  if (!decoders.has(label)) {
    let d: Decoder | null;
    try {
      d = new TextDecoder(label);
    } catch {
      d = null; // a runtime without full ICU lacks the CJK decoders: degrade to Latin-1 rather than throw
    }
    decoders.set(label, d);
  }
  return decoders.get(label) ?? null;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function decodeWith(label: string, bytes: Uint8Array): string {
  const d = decoder(label);
  return d ? d.decode(bytes) : latin1(bytes);
}

const LATIN1 = 'latin1';
const JIS_X_0201 = 'jis-x-0201';
const tables = new Map<string, readonly string[]>();

/**
 * 256 entries for a single-byte set: ASCII below 0x80, C1 controls at 0x80–0x9F, the set's upper half above.
 * Built per byte rather than by decoding whole strings because the WHATWG labels "iso-8859-1" and "iso-8859-9"
 * mean windows-1252/1254, which put printable characters where ISO 8859 has C1 controls.
 */
function singleByteTable(label: string): readonly string[] {
  const cached = tables.get(label);
  if (cached) return cached;
  const table: string[] = [];
  for (let b = 0; b < 0xa0; b++) table.push(String.fromCharCode(b));
  for (let b = 0xa0; b < 0x100; b++) {
    if (label === LATIN1) table.push(String.fromCharCode(b));
    // JIS X 0201 katakana (ISO-IR 13) maps 0xA1–0xDF straight onto the half-width forms U+FF61–U+FF9F.
    else if (label === JIS_X_0201) table.push(b >= 0xa1 && b <= 0xdf ? String.fromCharCode(0xff61 + b - 0xa1) : REPLACEMENT);
    else {
      const d = decoder(label);
      table.push(d ? d.decode(Uint8Array.of(b)) : String.fromCharCode(b));
    }
  }
  tables.set(label, table);
  return table;
}

// ---------------------------------------------------------------------------------------------------------
// Character sets as ISO 2022 code elements: G0 is invoked for bytes 0x21–0x7E, G1 for 0xA0–0xFF.

/** G0 sets. JIS X 0201 romaji (ESC ( J) is read as ASCII, as Shift_JIS decoders and pydicom do: it differs
 *  only at 0x5C (yen) and 0x7E (overline), and 0x5C is the DICOM value delimiter that Japanese systems use. */
type G0Set = 'ascii' | 'jisx0208' | 'jisx0212';
/** G1 sets: a single-byte table by label, or a 94×94 set decoded through its EUC form. */
type G1Set = { kind: 'single'; label: string } | { kind: 'double'; label: 'euc-kr' | 'gb18030' };

const KATAKANA: G1Set = { kind: 'single', label: JIS_X_0201 };
const LATIN1_G1: G1Set = { kind: 'single', label: LATIN1 };
const KS_X_1001: G1Set = { kind: 'double', label: 'euc-kr' };
// GB 2312 in G1 is the EUC-CN form, which GB18030 (a superset) decodes identically.
const GB_2312: G1Set = { kind: 'double', label: 'gb18030' };

/** The ISO 8859 family and TIS 620 by ISO-IR number, with the final byte of their G1 escape (ESC - F). */
const SINGLE_BYTE: Record<number, { label: string; final: string }> = {
  100: { label: LATIN1, final: 'A' },
  101: { label: 'iso-8859-2', final: 'B' },
  109: { label: 'iso-8859-3', final: 'C' },
  110: { label: 'iso-8859-4', final: 'D' },
  126: { label: 'iso-8859-7', final: 'F' },
  127: { label: 'iso-8859-6', final: 'G' },
  138: { label: 'iso-8859-8', final: 'H' },
  144: { label: 'iso-8859-5', final: 'L' },
  148: { label: 'iso-8859-9', final: 'M' },
  166: { label: 'windows-874', final: 'T' }, // TIS 620; windows-874 only adds characters where TIS 620 has none
  203: { label: 'iso-8859-15', final: 'b' },
};

/** Escape sequences (the bytes after ESC) that designate a set, PS3.3 C.12.1.1.2 Tables C.12-3/-4. */
const ESCAPES = new Map<string, { g0?: G0Set; g1?: G1Set }>([
  ['(B', { g0: 'ascii' }], // ISO-IR 6
  ['(J', { g0: 'ascii' }], // ISO-IR 14, JIS X 0201 romaji
  ['$B', { g0: 'jisx0208' }], // ISO-IR 87
  ['$@', { g0: 'jisx0208' }], // JIS C 6226-1978, the older edition some encoders still announce
  ['$(D', { g0: 'jisx0212' }], // ISO-IR 159
  [')I', { g1: KATAKANA }], // ISO-IR 13
  ['$)C', { g1: KS_X_1001 }], // ISO-IR 149
  ['$)A', { g1: GB_2312 }], // ISO-IR 58
  ...Object.values(SINGLE_BYTE).map(({ label, final }) => [`-${final}`, { g1: { kind: 'single', label } as G1Set }] as const),
]);

interface Term {
  /** UTF-8, GB18030, GBK: the whole value is decoded in one go (they allow no code extensions). */
  whole?: string;
  g0?: G0Set;
  g1?: G1Set;
}

/** One defined term of (0008,0005); undefined when unknown. Tolerates the misspellings seen in the wild
 *  ("ISO_IR100", "ISO-IR 100", "iso 2022 ir 87"). */
function parseTerm(raw: string): Term | undefined {
  const term = raw.trim().toUpperCase();
  if (term === '') return { g0: 'ascii' };
  if (term === 'GB18030') return { whole: 'gb18030' };
  if (term === 'GBK') return { whole: 'gbk' };
  const m = /^ISO[\s_-]*(?:2022[\s_-]*)?IR[\s_-]*(\d+)$/.exec(term);
  if (!m) return undefined;
  const ir = Number(m[1]);
  switch (ir) {
    case 6:
      return { g0: 'ascii' };
    case 13:
      return { g0: 'ascii', g1: KATAKANA };
    case 87:
      return { g0: 'jisx0208' };
    case 159:
      return { g0: 'jisx0212' };
    case 149:
      return { g1: KS_X_1001 };
    case 58:
      return { g1: GB_2312 };
    case 192:
      return { whole: 'utf-8' };
  }
  const single = SINGLE_BYTE[ir];
  return single ? { g1: { kind: 'single', label: single.label } } : undefined;
}

interface Plan {
  whole?: string;
  g0: G0Set;
  g1: G1Set;
}

const plans = new Map<string, Plan>();

/**
 * How to decode text under a Specific Character Set. Value 1 gives the state every value starts in and returns
 * to at the delimiters; the other values only say which sets escape sequences may designate, and escapes are
 * honoured whatever was declared (a missing declaration is a common fault and the escape is unambiguous).
 */
function planFor(specificCharacterSet: readonly string[]): Plan {
  const key = specificCharacterSet.join('\\');
  const cached = plans.get(key);
  if (cached) return cached;
  const terms = specificCharacterSet.map(parseTerm);
  // A UTF-8/GB18030/GBK term admits no code extensions, so it governs wherever it stands.
  const whole = terms.find((t) => t?.whole)?.whole;
  const first = terms[0];
  // A multi-byte set cannot be the initial G0 (it needs its escape): start from ASCII then.
  const plan: Plan = { whole, g0: 'ascii', g1: first?.g1 ?? LATIN1_G1 };
  if (plans.size >= 64) plans.clear(); // keys come from files: a hostile one must not grow the cache forever
  plans.set(key, plan);
  return plan;
}

// ---------------------------------------------------------------------------------------------------------
// The ISO 2022 state machine.

/** VRs whose backslash is a character, not a value delimiter (PS3.5 6.2). */
const SINGLE_VALUED = new Set(['LT', 'ST', 'UT', 'UR']);

function isDelimiter(b: number, vr: string): boolean {
  if (b === 0x5c) return !SINGLE_VALUED.has(vr);
  return vr === 'PN' && (b === 0x5e || b === 0x3d); // '^' between components, '=' between groups
}

/** Reads ESC, intermediates 0x20–0x2F and a final 0x30–0x7E; an unknown sequence is skipped, a broken one
 *  drops only the ESC so that the bytes after it still show. */
function readEscape(bytes: Uint8Array, at: number): { length: number; g0?: G0Set; g1?: G1Set } {
  let j = at + 1;
  while (j < bytes.length && bytes[j]! >= 0x20 && bytes[j]! <= 0x2f) j++;
  if (j >= bytes.length || bytes[j]! < 0x30 || bytes[j]! > 0x7e) return { length: 1 };
  const sequence = String.fromCharCode(...bytes.subarray(at + 1, j + 1));
  return { length: j - at + 1, ...ESCAPES.get(sequence) };
}

/** A run of two-byte characters in G0 (bytes 0x21–0x7E), through the EUC-JP decoder. */
function decodeJis(set: 'jisx0208' | 'jisx0212', run: Uint8Array): string {
  const pairs = run.length >> 1;
  const width = set === 'jisx0212' ? 3 : 2;
  const euc = new Uint8Array(pairs * width);
  for (let p = 0; p < pairs; p++) {
    const o = p * width;
    if (set === 'jisx0212') euc[o] = 0x8f; // EUC-JP's single shift 3 selects JIS X 0212
    euc[o + width - 2] = run[2 * p]! | 0x80;
    euc[o + width - 1] = run[2 * p + 1]! | 0x80;
  }
  return decodeWith('euc-jp', euc) + (run.length % 2 ? REPLACEMENT : '');
}

/** A run of two-byte characters in G1 (bytes 0xA1–0xFE): already the EUC form. */
function decodeDoubleGr(label: string, run: Uint8Array): string {
  const even = run.length & ~1;
  return decodeWith(label, run.subarray(0, even)) + (run.length % 2 ? REPLACEMENT : '');
}

function decodeIso2022(bytes: Uint8Array, plan: Plan, vr: string): string {
  let g0 = plan.g0;
  let g1 = plan.g1;
  const out: string[] = [];
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b === ESC) {
      const esc = readEscape(bytes, i);
      if (esc.g0) g0 = esc.g0;
      if (esc.g1) g1 = esc.g1;
      i += esc.length;
      continue;
    }
    if (b < 0x20 || b === 0x7f) {
      // PS3.5 6.1.2.5.3: the initial sets are active again before CR, LF, FF, TAB and any other control.
      g0 = plan.g0;
      g1 = plan.g1;
      out.push(String.fromCharCode(b));
      i++;
      continue;
    }
    if (b < 0x80) {
      if (g0 !== 'ascii' && b !== 0x20) {
        // Two-byte G0: a delimiter byte here is half of a character (e.g. 0x5C21), never a delimiter; a
        // conforming encoder switches back to the initial set before each real delimiter.
        let j = i;
        while (j < n && bytes[j]! > 0x20 && bytes[j]! < 0x7f) j++;
        out.push(decodeJis(g0, bytes.subarray(i, j)));
        i = j;
        continue;
      }
      // PS3.5 6.1.2.5.3: value, component and group delimiters return to the initial sets too.
      if (isDelimiter(b, vr)) {
        g0 = plan.g0;
        g1 = plan.g1;
      }
      out.push(String.fromCharCode(b));
      i++;
      continue;
    }
    if (b < 0xa0) {
      out.push(String.fromCharCode(b)); // C1 control
      i++;
      continue;
    }
    if (g1.kind === 'double') {
      let j = i;
      while (j < n && bytes[j]! >= 0xa1 && bytes[j]! <= 0xfe) j++;
      if (j === i) {
        out.push(REPLACEMENT); // 0xA0 or 0xFF: no character of a 94×94 set
        i++;
      } else {
        out.push(decodeDoubleGr(g1.label, bytes.subarray(i, j)));
        i = j;
      }
      continue;
    }
    out.push(singleByteTable(g1.label)[b]!);
    i++;
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------------------
// Public surface.

/**
 * Decodes one element's value bytes (all its values, delimiters included) under the Specific Character Set in
 * force (the dataset's own (0008,0005) values, or the enclosing dataset's for a sequence item without one).
 * `vr` decides which delimiters reset the code extension state: '\' for multi-valued VRs, plus '^' and '=' for PN.
 * Split the result on '\' afterwards, not the bytes before: in GBK, GB18030 and JIS X 0208 the byte 0x5C can be
 * half of a character.
 */
export function decodeDicomText(bytes: Uint8Array, specificCharacterSet: string[], vr: string): string {
  const plan = planFor(specificCharacterSet);
  if (plan.whole) return decodeWith(plan.whole, bytes);
  return decodeIso2022(bytes, plan, vr);
}

/** Removes padding spaces (and trailing NULs some writers pad with) but keeps U+3000 and other Unicode
 *  spaces, which String.prototype.trim would take: the ideographic space is part of many Japanese names. */
export function trimPadding(s: string, leading = true): string {
  let start = 0;
  let end = s.length;
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0)) end--;
  if (leading) while (start < end && s.charCodeAt(start) === 0x20) start++;
  return s.slice(start, end);
}

/** One Person Name value ("Yamada^Tarou=山田^太郎=やまだ^たろう") as its component groups; empty groups are left out
 *  (PS3.18 F.2.2), so an empty value gives {}. */
export function parsePersonName(value: string): PersonNameValue {
  const [alphabetic, ideographic, phonetic] = value.split('=').map((g) => trimPadding(g));
  const pn: PersonNameValue = {};
  if (alphabetic) pn.Alphabetic = alphabetic;
  if (ideographic) pn.Ideographic = ideographic;
  if (phonetic) pn.Phonetic = phonetic;
  return pn;
}

/** A PN element's bytes as one PersonNameValue per value ('\'-separated); an empty value gives {}. */
export function decodePersonName(bytes: Uint8Array, specificCharacterSet: string[]): PersonNameValue[] {
  return decodeDicomText(bytes, specificCharacterSet, 'PN').split('\\').map(parsePersonName);
}

/** The inverse of parsePersonName: "Alphabetic=Ideographic=Phonetic" without trailing empty groups. */
export function joinPersonNameGroups(pn: PersonNameValue | undefined): string {
  if (!pn) return '';
  const groups = [pn.Alphabetic ?? '', pn.Ideographic ?? '', pn.Phonetic ?? ''];
  while (groups.length > 0 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}
