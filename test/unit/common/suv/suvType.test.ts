/**
 * SUV Type (0054,1006) as scanners write it: the DICOM values, the LBM formulas of practice, in any case and
 * punctuation; anything else refused with the reason, never an exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSuvType, type SuvType } from '../../../../common/suv';

const KNOWN: [string, SuvType][] = [
  ['BW', 'bw'],
  ['LBM', 'lbm'],
  ['LBMJAMES128', 'lbmJames128'],
  ['LBMJANMA', 'lbmJanma'],
  ['BSA', 'bsa'],
  ['IBW', 'ibw'],
];

describe('parseSuvType', () => {
  it('the DICOM values and the two LBM formulas of practice', () => {
    for (const [text, type] of KNOWN) expect(parseSuvType(text)).toEqual({ ok: true, type });
  });

  it('absent or empty is BW (SUV Type is optional; GML alone means SUVbw)', () => {
    expect(parseSuvType(undefined)).toEqual({ ok: true, type: 'bw' });
    expect(parseSuvType('  ')).toEqual({ ok: true, type: 'bw' });
  });

  it('spellings seen in headers and in PS3.16 code meanings', () => {
    expect(parseSuvType('lbm james128')).toEqual({ ok: true, type: 'lbmJames128' });
    expect(parseSuvType('LBM_JANMA')).toEqual({ ok: true, type: 'lbmJanma' });
    expect(parseSuvType('SUVlbm(Janma)')).toEqual({ ok: true, type: 'lbmJanma' });
    expect(parseSuvType('SUVlbm(James128)')).toEqual({ ok: true, type: 'lbmJames128' });
    // PS3.16's meaning of plain SUVlbm is "lean body mass (James)": the 120 multiplier, not 128.
    expect(parseSuvType('LBM (James)')).toEqual({ ok: true, type: 'lbm' });
    expect(parseSuvType('Body Weight')).toEqual({ ok: true, type: 'bw' });
  });

  it('a value naming no single formula is refused, with the accepted values', () => {
    // "JAMES" alone could be the 120 or the 128 multiplier.
    for (const text of ['JAMES', 'LBMHUME', 'SUV', 'g/ml']) {
      expect(parseSuvType(text)).toEqual({ ok: false, reason: `unknown SUV Type (0054,1006) "${text}": expected one of BW, LBM, LBMJAMES128, LBMJANMA, BSA, IBW` });
    }
  });

  it('property: any case, space, underscore or hyphen variant of a known value, with or without "SUV", parses to it', () => {
    const variant = fc
      .record({
        known: fc.constantFrom(...KNOWN),
        prefix: fc.constantFrom('', 'SUV', 'suv ', 'Suv_'),
        chars: fc.array(fc.tuple(fc.boolean(), fc.constantFrom('', '', ' ', '_', '-', '  ')), { minLength: 11, maxLength: 11 }),
        pad: fc.constantFrom('', ' ', '\t'),
      })
      .map(({ known: [text, type], prefix, chars, pad }) => ({
        type,
        spelled: pad + prefix + [...text].map((ch, i) => (chars[i]![0] ? ch.toLowerCase() : ch) + chars[i]![1]).join('') + pad,
      }));
    fc.assert(
      fc.property(variant, ({ type, spelled }) => {
        expect(parseSuvType(spelled)).toEqual({ ok: true, type });
      }),
      { numRuns: 500 },
    );
  });

  it('property: an arbitrary string never throws; it is a known type or a reason quoting it', () => {
    const types = new Set(KNOWN.map(([, t]) => t));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9 _()-]{0,16}$/)), (text) => {
        const r = parseSuvType(text);
        if (r.ok) expect(types.has(r.type)).toBe(true);
        else expect(r.reason).toContain(`"${text}"`);
      }),
      { numRuns: 1000 },
    );
  });
});
