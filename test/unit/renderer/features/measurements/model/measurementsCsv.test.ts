/**
 * The study's measurements as CSV (renderer/features/measurements/model/measurementsCsv.ts, issue #19): the
 * columns, one row per value, RFC 4180 quoting that a spreadsheet reads back to the same label whatever the label
 * holds, and labels that look like formulas kept from running (CSV injection) while numbers stay numbers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAVED_QUANTITIES, SAVED_TOOLS, type SavedMeasurement } from '../../../../../../common/sr/savedMeasurements';
import { CSV_COLUMNS, measurementsCsv } from '../../../../../../renderer/features/measurements/model/measurementsCsv';

/** RFC 4180 as a spreadsheet reads it: CRLF between records, "" for a quote inside a quoted field. Throws on what is not. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) throw new Error(`text after a quoted field at ${i}`);
    } else {
      while (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) {
        if (text[i] === '"' || text[i] === '\r' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    rows.push(row);
    row = [];
    if (i >= text.length) break;
    i += 2; // CRLF
    if (i >= text.length) break;
  }
  return rows;
}

const SERIES = '1.2.826.0.1.3680043.9.7777.1922.2';
const image = (n: number, frame?: number) => ({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: `1.2.826.0.1.3680043.9.7777.1922.4.${n}`, seriesInstanceUid: SERIES, ...(frame ? { frame } : {}) });

const LIST: SavedMeasurement[] = [
  { trackingUid: '2.25.1', tool: 'Length', label: 'nodule A', image: image(1), points: [[1, 2], [3, 4]], values: [{ quantity: 'length', value: 12.5, unit: 'mm' }] },
  {
    trackingUid: '2.25.2',
    tool: 'EllipticalROI',
    image: image(2, 7),
    points: [[50, 30], [50, 70], [40, 50], [60, 50]],
    values: [
      { quantity: 'area', value: 314.25, unit: 'mm2' },
      { quantity: 'mean', value: -40.5, unit: "[hnsf'U]" },
    ],
  },
  { trackingUid: '2.25.3', tool: 'Probe', image: image(1), points: [[7.5, 8.5]], values: [] },
  { trackingUid: '2.25.4', tool: 'SphereROI', frameOfReferenceUid: '1.2.3', points: [[0, 0, 0], [0, 0, 5]], values: [{ quantity: 'suvMax', value: 7.5, unit: '{SUVbw}g/ml' }] },
];

/** A record of the CSV as an object by column. */
const records = (csv: string) => {
  const [header, ...rows] = parseCsv(csv);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
};

describe('measurementsCsv', () => {
  it('starts with the header row and ends every record with CRLF', () => {
    const csv = measurementsCsv(LIST);
    expect(csv.split('\r\n')[0]).toBe('number,tool,label,series_instance_uid,sop_instance_uid,frame,quantity,value,unit,tracking_uid');
    expect(CSV_COLUMNS).toHaveLength(10);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    // No measurements: the header alone.
    expect(measurementsCsv([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('gives one row per value, numbered by measurement, and one row for a measurement without values', () => {
    const rows = records(measurementsCsv(LIST));
    expect(rows.map((r) => [r.number, r.tool, r.label, r.sop_instance_uid, r.frame, r.quantity, r.value, r.unit, r.tracking_uid])).toEqual([
      ['1', 'Length', 'nodule A', image(1).sopInstanceUid, '', 'length', '12.5', 'mm', '2.25.1'],
      ['2', 'EllipticalROI', '', image(2).sopInstanceUid, '7', 'area', '314.25', 'mm2', '2.25.2'],
      ['2', 'EllipticalROI', '', image(2).sopInstanceUid, '7', 'mean', '-40.5', "[hnsf'U]", '2.25.2'],
      ['3', 'Probe', '', image(1).sopInstanceUid, '', '', '', '', '2.25.3'],
      ['4', 'SphereROI', '', '', '', 'suvMax', '7.5', '{SUVbw}g/ml', '2.25.4'],
    ]);
    expect(rows.slice(0, 4).every((r) => r.series_instance_uid === SERIES)).toBe(true);
  });

  it('keeps negative values as numbers (no quote prefix), and a label that looks like a formula from running', () => {
    const rows = records(
      measurementsCsv([
        { ...LIST[1]!, label: '=1+1' },
        { ...LIST[0]!, label: '@SUM(A1:A9)', values: [{ quantity: 'length', value: -2, unit: 'mm' }] },
        { ...LIST[0]!, label: '-2' },
        { ...LIST[0]!, label: '+cmd' },
        { ...LIST[0]!, label: 'a=1' },
      ]),
    );
    expect(rows.map((r) => r.label)).toEqual(["'=1+1", "'=1+1", "'@SUM(A1:A9)", "'-2", "'+cmd", 'a=1']);
    expect(rows.map((r) => r.value)).toEqual(['314.25', '-40.5', '-2', '12.5', '12.5', '12.5']);
    // Every value reads back as the number it was.
    expect(Number(rows[1]!.value)).toBe(-40.5);
  });

  it('whatever a label holds (commas, quotes, line breaks, any text), a spreadsheet reads it back, formula-safe', () => {
    const label = fc.oneof(fc.string({ maxLength: 64 }), fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', '\r\n', '=', '-', '+', '@', '\t', ' ', 'a', '結'), maxLength: 20 }));
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const list = labels.map((l, i) => ({ ...LIST[0]!, trackingUid: `2.25.${i + 1}`, label: l }));
        const csv = measurementsCsv(list);
        const rows = parseCsv(csv);
        expect(rows).toHaveLength(labels.length + 1);
        for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
        rows.slice(1).forEach((r, i) => {
          const l = labels[i]!;
          // What a spreadsheet could run as a formula starts with ' ; the rest reads back as written.
          expect(r[2]).toBe(/^[=+\-@\t\r]/.test(l) ? `'${l}` : l);
          expect(r[9]).toBe(`2.25.${i + 1}`);
        });
      }),
    );
  });

  it('whatever the values, each row reads back to its measurement\'s tool, quantity, value and unit', () => {
    const value = fc.record({ quantity: fc.constantFrom(...SAVED_QUANTITIES), value: fc.double({ noNaN: true, noDefaultInfinity: true }), unit: fc.constantFrom('mm', 'mm2', 'deg', "[hnsf'U]", '{SUVbw}g/ml', '1', '{a,b}') });
    const measurement = fc.record({ tool: fc.constantFrom(...SAVED_TOOLS), frame: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }), values: fc.array(value, { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(measurement, { maxLength: 8 }), (ms) => {
        const list: SavedMeasurement[] = ms.map((m, i) => ({ trackingUid: `2.25.${i + 1}`, tool: m.tool, image: image(i, m.frame), points: [[1, 2]], values: m.values }));
        const rows = records(measurementsCsv(list));
        const want = list.flatMap((m, i) =>
          (m.values.length ? m.values : [undefined]).map((v) => ({ number: String(i + 1), tool: m.tool, frame: m.image?.frame ? String(m.image.frame) : '', quantity: v?.quantity ?? '', value: v ? v.value : undefined, unit: v?.unit ?? '' })),
        );
        expect(rows).toHaveLength(want.length);
        rows.forEach((r, k) => {
          const w = want[k]!;
          expect([r.number, r.tool, r.frame, r.quantity, r.unit]).toEqual([w.number, w.tool, w.frame, w.quantity, w.unit]);
          if (w.value === undefined) expect(r.value).toBe('');
          else {
            expect(Number(r.value)).toBe(w.value === 0 ? 0 : w.value);
            expect(r.value!.startsWith("'")).toBe(false);
          }
        });
      }),
    );
  });
});
