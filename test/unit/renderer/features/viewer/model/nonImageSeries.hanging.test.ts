/**
 * Only image series fill a viewer cell: hanging protocols, "compare with prior" and fusion skip REG, SEG, RWVM, SR…
 * (nonImageSeries.ts), and a study with no image series at all says so instead of hanging an empty cell.
 */
import { describe, expect, it } from 'vitest';
import { hangStudy, loadBuiltInProtocols, matchPriorSeries, pickPrior } from '../../../../../../renderer/features/viewer/model/hanging';
import { fusionRefusal, imageSeriesOnly, isImageSeries, noImageSeriesMessage } from '../../../../../../renderer/features/viewer/model/nonImageSeries';
import { makeSeries } from '../../../../../support/seriesSummaries';
import { uiText } from '../../../../../support/uiText';

const en = uiText('en');

const series = makeSeries;
const { protocols } = loadBuiltInProtocols();

describe('only image series fill a viewer cell', () => {
  it('hangs the CT, not a REG, RWVM or SR with more instances ("most-images")', () => {
    const ct = series('CT', 'CT 2001', 40);
    const others = [series('REG', 'Manual registration', 500), series('RWVM', 'SUV mapping', 300), series('SR', 'Report', 200), series('SEG', 'Liver', 100)];
    const hung = hangStudy({ modalities: ['CT', 'REG', 'RWVM', 'SR', 'SEG'], studyDescription: 'Follow-up' }, [...others, ct], protocols);
    // (An evenly spaced CT may hang in MPR 1+3: every cell shows the CT.)
    expect(hung.cells.length).toBeGreaterThan(0);
    for (const cell of hung.cells) expect(cell).toBe(ct);
    expect(hung.message).toBeUndefined();
    // Also when the non-image series come after the CT, and with an empty protocol list (the fallback).
    expect(hangStudy({ modalities: [], studyDescription: '' }, [ct, ...others], []).cells).toEqual([ct]);
  });

  it('a study of only SR hangs no series and says why', () => {
    const hung = hangStudy({ modalities: ['SR'], studyDescription: 'Report' }, [series('SR', 'Report', 3)], protocols);
    expect(hung.cells.filter(Boolean)).toEqual([]);
    expect(hung.layout).toBe('1x1');
    expect(hung.message?.(en)).toBe('This study has no image series to show (only SR · Structured report): there is nothing to hang in a viewport. Its series are listed in the series strip.');
    expect(noImageSeriesMessage(en, [series('REG', '', 1), series('SEG', '', 1), series('REG', '', 1)])).toContain('(only REG · Spatial registration, SEG · Segmentation)');
  });

  it('compare with prior: matches an image series only, and skips report-only prior studies', () => {
    const ct = series('CT', 'CT chest', 40);
    const priorCt = series('CT', 'CT chest', 30);
    // A same-modality non-image series is never the match, however many words or instances it shares.
    expect(matchPriorSeries(series('SR', 'Report', 1), [series('SR', 'Report', 1)])).toBeUndefined();
    expect(matchPriorSeries(ct, [series('SEG', 'CT chest', 99), priorCt])).toBe(priorCt);
    const study = (studyInstanceUid: string, studyDate: string, modalities?: string[]) => ({ studyInstanceUid, studyDate, studyTime: '120000', ...(modalities ? { modalities } : {}) });
    const current = study('a', '20260301', ['CT']);
    const imaged = study('b', '20250101', ['CT', 'SR']);
    const reportOnly = study('c', '20260201', ['SR']);
    expect(pickPrior(current, [current, reportOnly, imaged])).toBe(imaged);
    // Modalities not known: still a candidate.
    const unknown = study('d', '20260202');
    expect(pickPrior(current, [reportOnly, imaged, unknown])).toBe(unknown);
  });

  it('fusion refuses a non-image series in either of the first two cells', () => {
    const ct = series('CT', 'CT', 40);
    const pt = series('PT', 'PET AC', 40);
    expect(fusionRefusal(en, ct, pt)).toBeUndefined();
    expect(fusionRefusal(en, ct, undefined)).toBe('Fusion needs a series in each of the first two cells.');
    expect(fusionRefusal(en, ct, series('REG', 'Manual registration', 1))).toBe(
      'Fusion needs two image series: "Manual registration" is REG (Spatial registration), not an image series: there is nothing to show in a viewport.',
    );
    expect(fusionRefusal(en, series('SEG', '', 1), pt)).toContain('This series is SEG (Segmentation)');
  });

  it('isImageSeries is the one rule', () => {
    expect(imageSeriesOnly([series('CT', '', 1), series('KO', '', 1), series('MR', '', 1), series('PR', '', 1)]).map((s) => s.modality)).toEqual(['CT', 'MR']);
    expect(isImageSeries({ modality: 'RTDOSE' })).toBe(true);
    expect(isImageSeries({ modality: ' rtstruct ' })).toBe(false);
  });
});
