/**
 * A hanging protocol's per-viewport window/level preset: validated against the presets the viewer has (a typo is
 * reported at start-up, not silently ignored), carried per cell by hangStudy, and resolved to the window it opens in.
 */
import { describe, expect, it } from 'vitest';
import { parseHangingProtocol } from '../../../common/viewer/hangingProtocols';
import { hangStudy, loadBuiltInProtocols } from '../../../renderer/features/viewer/model/hanging';
import { windowPresetById } from '../../../renderer/imaging/stack/presets';
import type { SeriesSummary } from '../../../common/dicom/model';

const base = { id: 'x', name: 'X', priority: 1, match: {}, layout: '1x1', viewports: [{ seriesSelector: {}, view: 'stack', preset: 'lung' }] };

let uid = 0;
const series = (modality: string, seriesDescription: string, numberOfInstances: number): SeriesSummary =>
  ({ studyInstanceUid: '1.2.3', seriesInstanceUid: `1.2.3.${++uid}`, modality, seriesDescription, numberOfInstances, seriesNumber: uid }) as unknown as SeriesSummary;

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
});
