/**
 * A hanging protocol's per-viewport window/level preset: validated against the presets the viewer has (a typo is
 * reported at start-up, not silently ignored), carried per cell by hangStudy, and resolved to the window it opens in.
 */
import { describe, expect, it } from 'vitest';
import { chooseHangingProtocol, parseHangingProtocol } from '../../../../../../common/viewer/hangingProtocols';
import { hangStudy, loadBuiltInProtocols, mprPresetsFor } from '../../../../../../renderer/features/viewer/model/hanging';
import { windowPresetById } from '../../../../../../renderer/imaging/stack/presets';
import { seriesFromDicomJson, type SeriesSummary } from '../../../../../../common/dicom/model';
import { makeSeries } from '../../../../../support/seriesSummaries';

const base = { id: 'x', name: 'X', priority: 1, match: {}, layout: '1x1', viewports: [{ seriesSelector: {}, view: 'stack', preset: 'lung' }] };

const series = (modality: string, seriesDescription: string, numberOfInstances: number, bodyPartExamined?: string): SeriesSummary =>
  makeSeries(modality, seriesDescription, numberOfInstances, bodyPartExamined ? { bodyPartExamined } : {});

describe('hanging protocol presets', () => {
  it('a stack preset must be one of the window/level presets; a 3D view names a rendering preset', () => {
    expect(parseHangingProtocol(base).ok).toBe(true);
    const typo = parseHangingProtocol({ ...base, viewports: [{ seriesSelector: {}, view: 'stack', preset: 'lungs' }] });
    expect(typo).toMatchObject({ ok: false, error: expect.stringContaining('viewports.0.preset: unknown window/level preset "lungs"') });
    const vr = { ...base, layout: 'mpr1+3', viewports: ['axial', 'sagittal', 'coronal', '3d'].map((view, i) => ({ seriesSelector: i ? { sameAsViewport: 0 } : {}, view, preset: view === '3d' ? 'CT-Bone' : 'abdomen' })) };
    expect(parseHangingProtocol(vr).ok).toBe(true);
  });

  it('hangStudy carries each cell’s preset: a chest CT opens in the mediastinal window, PET/CT’s CT in the abdominal one', () => {
    const { protocols, errors } = loadBuiltInProtocols();
    expect(errors).toEqual([]);
    const chest = hangStudy({ modalities: ['CT'], studyDescription: 'CT CHEST' }, [series('CT', 'Axial 1mm', 200), series('CT', 'Scout', 2)], protocols);
    expect(chest.protocolName).toBe('CT chest');
    expect(chest.presets).toEqual(['mediastinum']);
    expect(windowPresetById(chest.presets![0])).toMatchObject({ windowWidth: 350, windowCenter: 50 });
    const petCt = hangStudy({ modalities: ['CT', 'PT'], studyDescription: '' }, [series('CT', 'CT', 300), series('PT', 'PET AC', 299)], protocols);
    expect(petCt.layout).toBe('petct');
    expect(petCt.presets).toEqual(['abdomen', undefined]);
    expect(windowPresetById('abdomen')).toMatchObject({ windowWidth: 400, windowCenter: 50 });
    expect(windowPresetById(undefined)).toBeUndefined();
    expect(windowPresetById('CT-Bone')).toBeUndefined();
  });

  it('the MPR protocol gives its planes the abdominal window and its 3D view CT-Bone, for the series it hung only', () => {
    const { protocols } = loadBuiltInProtocols();
    const ct = series('CT', 'Abdomen 1mm', 300, 'ABDOMEN');
    const mpr = hangStudy({ modalities: ['CT'], studyDescription: 'CT ABDOMEN' }, [ct], protocols);
    expect(mpr.layout).toBe('mpr1+3');
    expect(mpr.views).toEqual(['axial', 'sagittal', 'coronal', '3d']);
    expect(mpr.presets).toEqual(['abdomen', 'abdomen', 'abdomen', 'CT-Bone']);
    expect(mprPresetsFor(mpr, ct)).toEqual({ window: 'abdomen', vr: 'CT-Bone' });
    // A series the reader opens in the MPR cell keeps its own window and the modality's default VR preset.
    expect(mprPresetsFor({ ...mpr, cells: [series('CT', 'Other', 100), ...mpr.cells.slice(1)] }, mpr.cells[1])).toEqual({ window: 'abdomen', vr: 'CT-Bone' });
    expect(mprPresetsFor(mpr, series('CT', 'Other', 100))).toEqual({});
    expect(mprPresetsFor(mpr, undefined)).toEqual({});
    // A stack protocol's window carries into MPR when the reader switches layout; it has no VR preset.
    const chest = hangStudy({ modalities: ['CT'], studyDescription: 'CT CHEST' }, [ct], protocols);
    expect(mprPresetsFor(chest, ct)).toEqual({ window: 'mediastinum' });
  });
});

describe('Body Part Examined in series summaries and protocol matching', () => {
  const ds = (bodyPart?: string) => ({
    '0020000D': { vr: 'UI', Value: ['1.2.3'] },
    '0020000E': { vr: 'UI', Value: ['1.2.3.4'] },
    '00080060': { vr: 'CS', Value: ['CT'] },
    ...(bodyPart === undefined ? {} : { '00180015': { vr: 'CS', Value: [bodyPart] } }),
  });

  it('seriesFromDicomJson carries (0018,0015) when given, and adds no field otherwise', () => {
    expect(seriesFromDicomJson(ds('CHEST '))?.bodyPartExamined).toBe('CHEST');
    expect(seriesFromDicomJson(ds())).not.toHaveProperty('bodyPartExamined');
    expect(seriesFromDicomJson(ds(''))).not.toHaveProperty('bodyPartExamined');
  });

  it('a CT whose description does not say chest hangs as CT chest by its body part; other body parts get the MPR layout', () => {
    const { protocols } = loadBuiltInProtocols();
    for (const part of ['CHEST', 'LUNG', 'thorax', 'CHEST_ABDOMEN']) {
      const h = hangStudy({ modalities: ['CT'], studyDescription: 'CT 2001' }, [series('CT', 'Axial 1mm', 200, part)], protocols);
      expect(h.protocolName, part).toBe('CT chest');
      expect(h.presets).toEqual(['mediastinum']);
    }
    for (const part of [undefined, 'ABDOMEN', 'HEAD']) {
      const h = hangStudy({ modalities: ['CT'], studyDescription: '' }, [series('CT', 'Axial 1mm', 200, part)], protocols);
      expect(h.protocolName, String(part)).toBe('CT MPR 1+3');
    }
  });

  it('a series selector may ask for a body part: series without one, or with another, are passed over', () => {
    const p = parseHangingProtocol({ ...base, viewports: [{ seriesSelector: { bodyPart: ['CHEST', '*LUNG*'] }, view: 'stack' }] });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const abdomen = series('CT', 'Abd', 500, 'ABDOMEN');
    const none = series('CT', 'None', 400);
    const lung = series('CT', 'Lung', 100, 'RIGHT LUNG');
    expect(chooseHangingProtocol({ modalities: ['CT'] }, [abdomen, none, lung], [p.protocol]).viewports[0]!.series).toBe(lung);
    // No series of that body part: the protocol cannot fill its viewport and is not chosen.
    expect(chooseHangingProtocol({ modalities: ['CT'] }, [abdomen, none], [p.protocol]).fallback).toBe(true);
    expect(parseHangingProtocol({ ...base, viewports: [{ seriesSelector: { bodyPart: [] }, view: 'stack' }] }).ok).toBe(false);
  });
});
