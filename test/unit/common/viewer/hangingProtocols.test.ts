/**
 * Hanging protocols: every JSON in resources/hanging-protocols validates; the chooser picks by match and priority,
 * fills viewports by selector (no series twice unless asked), falls back to one viewport with the most images.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseHangingProtocol,
  FALLBACK_PROTOCOL,
  type HangingProtocol,
  hangingProtocolSchema,
  matchesPattern,
  parseHangingProtocol,
  type SeriesFacts,
} from '../../../../common/viewer/hangingProtocols';
import { repoRoot } from '../../../support/data';

const dir = path.join(repoRoot, 'resources/hanging-protocols');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const builtIn: HangingProtocol[] = files.map((f) => hangingProtocolSchema.parse(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));

let uid = 0;
const series = (modality: string, seriesDescription: string, numberOfInstances: number, extra: Partial<SeriesFacts> = {}): SeriesFacts => ({
  seriesInstanceUid: `1.2.${++uid}`,
  modality,
  seriesDescription,
  numberOfInstances,
  seriesNumber: uid,
  ...extra,
});

describe('the built-in protocols', () => {
  it.each(files)('%s is valid and its id is its file name', (f) => {
    const r = parseHangingProtocol(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    expect(r.ok ? '' : r.error).toBe('');
    expect(r.ok && r.protocol.id).toBe(f.replace(/\.json$/, ''));
  });

  it('ids are unique', () => {
    expect(new Set(builtIn.map((p) => p.id)).size).toBe(builtIn.length);
  });
});

describe('validation', () => {
  const base = { id: 'x', name: 'X', priority: 1, match: {}, layout: '1x1', viewports: [{ seriesSelector: {}, view: 'stack' }] };

  it('accepts the minimal protocol', () => {
    expect(parseHangingProtocol(base).ok).toBe(true);
  });

  it('explains what is wrong, naming the protocol', () => {
    const r = parseHangingProtocol({ ...base, layout: '2x2' });
    expect(r).toEqual({ ok: false, error: 'Hanging protocol "x" is not valid: viewports: layout 2x2 has 4 viewports, but 1 are described.' });
    expect(parseHangingProtocol({ ...base, match: { seriesDescription: '(' } })).toMatchObject({ ok: false, error: expect.stringContaining('match.seriesDescription: not a valid regular expression') });
    expect(parseHangingProtocol({ ...base, match: { bodyPart: ['/(/'] } }).ok).toBe(false);
    expect(parseHangingProtocol({ ...base, extra: 1 }).ok).toBe(false);
    expect(parseHangingProtocol({ ...base, viewports: [{ seriesSelector: { sameAsViewport: 0 }, view: 'stack' }] }).ok).toBe(false);
    expect(parseHangingProtocol({ ...base, match: { modality: ['ct'] } }).ok).toBe(false);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseHangingProtocol(v);
        if (!r.ok) expect(r.error).toMatch(/^Hanging protocol.* is not valid: .+\.$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('patterns', () => {
  it('globs are whole-string and case-insensitive; /regex/ is a regular expression', () => {
    expect(matchesPattern('CHEST', 'chest')).toBe(true);
    expect(matchesPattern('CHEST_ABDOMEN', 'CHEST')).toBe(false);
    expect(matchesPattern('CHEST_ABDOMEN', '*CHEST*')).toBe(true);
    expect(matchesPattern('HEAD', 'HEA?')).toBe(true);
    expect(matchesPattern('Thorax', '/^tho/')).toBe(true);
    expect(matchesPattern('a.b', 'a.b')).toBe(true);
    expect(matchesPattern('axb', 'a.b')).toBe(false);
  });
});

describe('chooseHangingProtocol with the built-in protocols', () => {
  it('a chest CT: one stack of the thinnest series, MPR offered as the alternative', () => {
    const thick = series('CT', 'Chest 5mm', 60, { sliceThickness: 5 });
    const thin = series('CT', 'Chest 1mm', 300, { sliceThickness: 1 });
    const scout = series('CT', 'Scout', 1);
    const sr = series('SR', 'Dose report', 1);
    const choice = chooseHangingProtocol({ modalities: ['CT', 'SR'], bodyPart: 'CHEST' }, [scout, thick, sr, thin], builtIn);
    expect(choice.protocol.id).toBe('ct-chest');
    expect(choice.fallback).toBe(false);
    expect(choice.viewports.map((v) => v.series)).toEqual([thin]);
    expect(choice.alternatives.map((p) => p.id)).toEqual(['ct-mpr', 'default']);
  });

  it('never hangs a series without images, whatever its size (RWVM, HD, PLAN beside an unknown-region MR)', () => {
    const mr = series('MR', 'Localiser', 3);
    const others = [series('RWVM', 'SUV mapping', 500), series('HD', 'ECG', 400), series('PLAN', 'Plan', 300), series('SEG', 'Tumour', 200)];
    const choice = chooseHangingProtocol({ modalities: ['MR'] }, [...others, mr], builtIn);
    expect(choice.viewports.map((v) => v.series)).toEqual([mr]);
  });

  it('a chest CT known only by its description (Japanese too)', () => {
    expect(chooseHangingProtocol({ modalities: ['CT'], description: '胸部単純CT' }, [series('CT', 'Axial', 100)], builtIn).protocol.id).toBe('ct-chest');
  });

  it('an abdominal CT: MPR 1+3 on one volume', () => {
    const s = series('CT', 'Abd 1mm', 400);
    const choice = chooseHangingProtocol({ modalities: ['CT'], bodyPart: 'ABDOMEN' }, [s, series('CT', 'Abd 5mm', 80)], builtIn);
    expect(choice.protocol.id).toBe('ct-mpr');
    expect(choice.viewports.map((v) => [v.spec.view, v.series?.seriesDescription])).toEqual([
      ['axial', 'Abd 1mm'],
      ['sagittal', 'Abd 1mm'],
      ['coronal', 'Abd 1mm'],
      ['3d', 'Abd 1mm'],
    ]);
  });

  it('a brain MR: T1, T2, FLAIR, DWI by description; an absent one leaves its cell empty', () => {
    const t1 = series('MR', 'mocoMEMPRAGE_220FOV RMS', 175);
    const t2 = series('MR', 'AX FSE T2', 55);
    const asl = series('MR', 'Perfusion_Weighted', 1);
    const adc = series('MR', 'ep2d_diff ADC', 25);
    const dwi = series('MR', 'ep2d_diff TRACEW', 75);
    const loc = series('MR', 'localizer', 3);
    const choice = chooseHangingProtocol({ modalities: ['MR'], bodyPart: 'HEAD' }, [loc, t1, t2, asl, adc, dwi], builtIn);
    expect(choice.protocol.id).toBe('mr-brain');
    expect(choice.viewports.map((v) => v.series)).toEqual([t1, t2, undefined, dwi]);
  });

  it('a planning CT with its RT Plan or Dose opens in RT review (before the chest protocol), the CT in MPR 1+3', () => {
    const ct = series('CT', 'Planning CT 2.5mm', 120, { sliceThickness: 2.5 });
    const scout = series('CT', 'Topogram', 1);
    const rt = [series('RTSTRUCT', 'Structures', 1), series('RTPLAN', 'Plan', 1), series('RTDOSE', 'Dose', 1)];
    const choice = chooseHangingProtocol({ modalities: ['CT', 'RTSTRUCT', 'RTPLAN', 'RTDOSE'], bodyPart: 'CHEST' }, [scout, ...rt, ct], builtIn);
    expect(choice.protocol.id).toBe('rt-review');
    expect(choice.protocol.layout).toBe('mpr1+3');
    expect(choice.viewports.map((v) => [v.spec.view, v.series])).toEqual([['axial', ct], ['sagittal', ct], ['coronal', ct], ['3d', ct]]);
    expect(chooseHangingProtocol({ modalities: ['CT', 'RTDOSE'] }, [ct, rt[2]!], builtIn).protocol.id).toBe('rt-review');
    // Structures alone are not a plan review.
    expect(chooseHangingProtocol({ modalities: ['CT', 'RTSTRUCT'], bodyPart: 'CHEST' }, [ct, rt[0]!], builtIn).protocol.id).toBe('ct-chest');
  });

  it('PET/CT needs both modalities', () => {
    const ct = series('CT', 'CT AC', 300);
    const pt = series('PT', 'PET AC', 300);
    const nac = series('PT', 'PET NAC', 320);
    const choice = chooseHangingProtocol({ modalities: ['PT', 'CT'] }, [ct, nac, pt], builtIn);
    expect(choice.protocol.id).toBe('pet-ct');
    expect(choice.viewports.map((v) => v.series)).toEqual([ct, pt]);
    expect(chooseHangingProtocol({ modalities: ['PT'] }, [pt], builtIn).protocol.id).toBe('default');
    // A PET/CT of the thorax is read as PET/CT, not as a chest CT.
    expect(chooseHangingProtocol({ modalities: ['PT', 'CT'], description: 'Thorax^1HEADNECKPETCT', bodyPart: 'CHEST' }, [ct, pt], builtIn).protocol.id).toBe('pet-ct');
  });

  it('radiographs: the prior study beside the current one, or the second view without a prior', () => {
    const pa = series('CR', 'PA', 1);
    const lat = series('CR', 'LAT', 1);
    const priorPa = series('CR', 'PA', 1);
    const withPrior = chooseHangingProtocol({ modalities: ['CR'] }, [pa, lat], builtIn, [priorPa]);
    expect(withPrior.protocol.id).toBe('cr-dx');
    expect(withPrior.protocol.prior).toEqual({ compareWithPrior: true, syncScroll: false });
    expect(withPrior.viewports.map((v) => [v.series, v.fromPrior])).toEqual([
      [pa, false],
      [priorPa, true],
    ]);
    const alone = chooseHangingProtocol({ modalities: ['DX'] }, [pa, lat], builtIn);
    expect(alone.viewports.map((v) => [v.series, v.fromPrior])).toEqual([
      [pa, false],
      [lat, false],
    ]);
  });

  it('anything else: the default protocol, the series with most images', () => {
    const a = series('US', 'A', 10);
    const b = series('US', 'B', 30);
    const choice = chooseHangingProtocol({ modalities: ['US'] }, [a, b], builtIn);
    expect(choice.protocol.id).toBe('default');
    expect(choice.viewports[0]!.series).toBe(b);
  });
});

describe('the fallback', () => {
  it('with no protocols: one viewport, most images; non-image series never hang', () => {
    const a = series('MR', 'A', 10);
    const b = series('MR', 'B', 30);
    const choice = chooseHangingProtocol({ modalities: ['MR'] }, [a, b, series('SR', 'report', 99)], []);
    expect(choice).toMatchObject({ protocol: FALLBACK_PROTOCOL, fallback: true, alternatives: [] });
    expect(choice.viewports[0]!.series).toBe(b);
  });

  it('a matching protocol whose first viewport finds no series is passed over', () => {
    const p: HangingProtocol = { ...FALLBACK_PROTOCOL, id: 'needs-flair', priority: 5, viewports: [{ seriesSelector: { seriesDescription: 'flair' }, view: 'stack' }] };
    const choice = chooseHangingProtocol({ modalities: ['MR'] }, [series('MR', 'T1', 10)], [p]);
    expect(choice.fallback).toBe(true);
  });

  it('equal priority: the first listed wins; an empty study hangs nothing', () => {
    const p1: HangingProtocol = { ...FALLBACK_PROTOCOL, id: 'p1', priority: 1 };
    const p2: HangingProtocol = { ...FALLBACK_PROTOCOL, id: 'p2', priority: 1 };
    const s = [series('CT', 'x', 1)];
    expect(chooseHangingProtocol({ modalities: ['CT'] }, s, [p1, p2]).protocol.id).toBe('p1');
    expect(chooseHangingProtocol({ modalities: [] }, [], builtIn).viewports).toEqual([{ spec: FALLBACK_PROTOCOL.viewports[0], series: undefined, fromPrior: false }]);
  });
});
