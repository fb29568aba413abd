/**
 * The viewer's SUV waits for the series' saved corrections (renderer/features/suv/model/seriesSuvResults.ts): an
 * SUV from the header alone, shown or saved while a correction of record exists, is a wrong number on screen.
 * Headers: test/unit/common/suv/petHeader.ts (80 kg; SUVbw factor 4.0e-4; 70 kg corrected → 3.5e-4).
 */
import { describe, expect, it } from 'vitest';
import { seriesSuvResults } from '../../../../../../renderer/features/suv/model/seriesSuvResults';
import { petHeader } from '../../../../common/suv/petHeader';

const SERIES = '1.2.3.4';
const instances = [petHeader(), petHeader()];

describe('seriesSuvResults', () => {
  it('gives no SUV while the corrections are being read', () => {
    expect(seriesSuvResults(instances, SERIES, { kind: 'loading' })).toEqual([]);
  });

  it('applies the corrections once read: 70 kg instead of the header’s 80', () => {
    const results = seriesSuvResults(instances, SERIES, { kind: 'loaded', seriesInstanceUid: SERIES, overrides: { weightKg: 70 } });
    expect(results).toHaveLength(2);
    for (const r of results) expect(r.factors.bw! / 3.5e-4 - 1).toBeCloseTo(0, 12);
  });

  it('gives no SUV with the corrections of another series (the render before a series switch reads its own)', () => {
    expect(seriesSuvResults(instances, SERIES, { kind: 'loaded', seriesInstanceUid: '1.2.3.5', overrides: { weightKg: 70 } })).toEqual([]);
  });

  it('uses the header’s values when the corrections could not be read (the SUV panel says why)', () => {
    const results = seriesSuvResults(instances, SERIES, { kind: 'failed' });
    expect(results).toHaveLength(2);
    for (const r of results) expect(r.factors.bw! / 4.0e-4 - 1).toBeCloseTo(0, 12);
  });

  it('gives nothing without the instances or the series', () => {
    expect(seriesSuvResults(undefined, SERIES, { kind: 'loaded', seriesInstanceUid: SERIES, overrides: {} })).toEqual([]);
    expect(seriesSuvResults(instances, undefined, { kind: 'failed' })).toEqual([]);
  });
});
