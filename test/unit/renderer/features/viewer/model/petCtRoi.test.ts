/**
 * The PET/CT layout's pure parts: the protocol that hangs it, the SUV window in stored units, the series' SUVbw
 * factor, ROI shapes from a drag, where they cut a plane, and their numbers on a small synthetic PET and CT.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../../../../../common/registration/types';
import type { SuvResult } from '../../../../../../common/suv';
import { chooseHangingProtocol, hangingProtocolSchema } from '../../../../../../common/viewer/hangingProtocols';
import { measurePetCtRoi, outlineInPlane, roiOfSaved, savedOfRoi, shapeFromDrag, type PlaneCamera } from '../../../../../../renderer/features/viewer/model/petCtRoi';
import { savedMeasurementSchema } from '../../../../../../common/sr/savedMeasurements';
import { seriesBwFactor, storedWindow } from '../../../../../../renderer/features/viewer/model/petCtWindow';
import { repoRoot } from '../../../../../support/data';

// cornerstone's axial camera: looking from the feet (normal (0,0,−1)), anterior up (up (0,−1,0)), so right = +x.
const axial = (z: number): PlaneCamera => ({ focalPoint: [0, 0, z], viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0] });

const result = (bw: number | null, reason?: string): SuvResult =>
  ({ units: 'BQML', factors: { bw, lbm: null, lbmJames128: null, lbmJanma: null, bsa: null, ibw: null }, reasons: reason ? { bw: reason } : {}, warnings: [], inputs: [], rescale: { slope: 1, intercept: 0 } }) as SuvResult;

/** A 1 mm grid, `n`³ voxels centred on the origin, every voxel `value` except a cube of `hot` at the centre. */
function cube(n: number, value: number, hot?: { half: number; value: number }): Volume {
  const data = new Float32Array(n ** 3);
  const c = (n - 1) / 2;
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const inside = hot && Math.abs(i - c) <= hot.half && Math.abs(j - c) <= hot.half && Math.abs(k - c) <= hot.half;
        data[i + n * (j + n * k)] = inside ? hot.value : value;
      }
  return { dims: [n, n, n], spacing: [1, 1, 1], origin: [-c, -c, -c], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data };
}

describe('PET/CT hanging protocol', () => {
  it('hangs a study with CT and PT in the petct layout: CT first, the attenuation-corrected PET second', () => {
    const json = JSON.parse(readFileSync(path.join(repoRoot, 'resources/hanging-protocols/pet-ct.json'), 'utf8')) as unknown;
    const protocol = hangingProtocolSchema.parse(json);
    const ct = { seriesInstanceUid: 'ct', modality: 'CT', seriesDescription: 'CT AC', numberOfInstances: 300 };
    const nac = { seriesInstanceUid: 'nac', modality: 'PT', seriesDescription: 'PET NAC', numberOfInstances: 300 };
    const pet = { seriesInstanceUid: 'pet', modality: 'PT', seriesDescription: 'PET AC', numberOfInstances: 300 };
    const choice = chooseHangingProtocol({ modalities: ['CT', 'PT'] }, [nac, ct, pet], [protocol]);
    expect(choice.protocol.layout).toBe('petct');
    expect(choice.viewports.map((v) => v.series?.seriesInstanceUid)).toEqual(['ct', 'pet']);
  });

  it('rejects a petct protocol that does not name both series', () => {
    const r = hangingProtocolSchema.safeParse({ id: 'x', name: 'x', priority: 1, match: {}, layout: 'petct', viewports: [{ seriesSelector: {}, view: 'axial' }] });
    expect(r.success).toBe(false);
  });
});

describe('PET window in SUV', () => {
  it('turns SUV 0–5 into stored units with the factor: SUV 5 at factor 2.5e-4 g/Bq·ml is 20000 Bq/ml', () => {
    expect(storedWindow({ lower: 0, upper: 5 }, 2.5e-4)).toEqual({ lower: 0, upper: 20000 });
    // A weight 66.2 → 70 kg makes the factor 70/66.2 larger: the same SUV window is 66.2/70 of the Bq/ml.
    const before = storedWindow({ lower: 1, upper: 5 }, 2.5e-4);
    const after = storedWindow({ lower: 1, upper: 5 }, 2.5e-4 * (70 / 66.2));
    expect(after.upper / before.upper).toBeCloseTo(66.2 / 70, 12);
  });

  it('keeps a Bq/ml window as it is when there is no SUV', () => {
    expect(storedWindow({ lower: 0, upper: 20000 }, null)).toEqual({ lower: 0, upper: 20000 });
  });

  it('takes the median of the per-slice factors and says when they differ; without any, why', () => {
    expect(seriesBwFactor([result(1), result(3), result(2)])).toEqual({ factor: 2, varies: true });
    expect(seriesBwFactor([result(2e-4), result(2e-4)])).toEqual({ factor: 2e-4, varies: false });
    expect(seriesBwFactor([result(null, 'no patient weight: no SUV')])).toEqual({ factor: null, reason: 'no patient weight: no SUV' });
    expect(seriesBwFactor([]).factor).toBeNull();
  });
});

describe('PET/CT ROI shapes', () => {
  it('a sphere is the press point and the drag length', () => {
    expect(shapeFromDrag('sphere', [10, 20, 30], [13, 24, 30], axial(30))).toEqual({ kind: 'sphere', centre: [10, 20, 30], radiusMm: 5 });
    expect(shapeFromDrag('sphere', [10, 20, 30], [10.5, 20, 30], axial(30))).toBeUndefined();
  });

  it('an ellipse is the dragged box, its axes along the plane’s right and up', () => {
    // Box from (−10, −4) to (10, 4) in the axial plane z = 7: semi-axes 10 mm along x, 4 mm along y.
    const e = shapeFromDrag('ellipse', [-10, -4, 7], [10, 4, 7], axial(7));
    if (e?.kind !== 'ellipse') throw new Error('no ellipse');
    const close = (v: readonly number[], want: number[]) => v.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 12));
    close(e.centre, [0, 0, 7]);
    // Up is −y on an axial view, so the box's +8 mm in y is −8 along up: the semi-axis is (0, 4, 0) either way.
    close(e.semiAxisA, [10, 0, 0]);
    close(e.semiAxisB.map(Math.abs), [0, 4, 0]);
  });

  it('a sphere cuts a plane 3 mm from its centre as a circle of radius 4 (5² − 3²)', () => {
    const sphere = { kind: 'sphere' as const, centre: [0, 0, 0] as const, radiusMm: 5 };
    const pts = outlineInPlane(sphere, axial(3))!;
    for (const p of pts) {
      expect(Math.hypot(p[0], p[1])).toBeCloseTo(4, 9);
      expect(p[2]).toBeCloseTo(3, 9);
    }
    expect(outlineInPlane(sphere, axial(5.5))).toBeUndefined();
  });

  it('an ellipse shows only in its own plane', () => {
    const e = { kind: 'ellipse' as const, centre: [0, 0, 7] as const, semiAxisA: [10, 0, 0] as const, semiAxisB: [0, 4, 0] as const };
    expect(outlineInPlane(e, axial(7))).toHaveLength(48);
    expect(outlineInPlane(e, axial(12))).toBeUndefined();
    const sagittal: PlaneCamera = { focalPoint: [0, 0, 7], viewPlaneNormal: [1, 0, 0], viewUp: [0, 0, 1] };
    expect(outlineInPlane(e, sagittal)).toBeUndefined();
  });

  it('measures SUV as Bq/ml × factor and the CT’s HU over the same sphere', () => {
    // PET: 1000 Bq/ml, a 7×7×7 mm cube of 4000 in the middle; CT: water (0 HU) everywhere.
    const pet = cube(21, 1000, { half: 3, value: 4000 });
    const ct = cube(21, 0);
    const m = measurePetCtRoi({ kind: 'sphere', centre: [0, 0, 0], radiusMm: 2.5 }, pet, ct, 1e-3);
    // Radius 2.5 mm inside the hot cube: every voxel 4000 Bq/ml → SUV 4.
    expect(m.unit).toBe('SUVbw');
    expect(m.max).toBeCloseTo(4, 9);
    expect(m.mean).toBeCloseTo(4, 9);
    expect(m.huMean).toBe(0);
    // Voxel centres within 2.5 mm (i² + j² + k² ≤ 6.25): 1 + 6 (r² 1) + 12 (2) + 8 (3) + 6 (4) + 24 (5) + 24 (6) = 81,
    // 1 mm³ each.
    expect(m.voxels).toBe(81);
    expect(m.volumeMl).toBeCloseTo(0.081, 12);
    const bq = measurePetCtRoi({ kind: 'sphere', centre: [0, 0, 0], radiusMm: 2.5 }, pet, undefined, null);
    expect(bq.unit).toBe('Bq/ml');
    expect(bq.mean).toBeCloseTo(4000, 6);
    expect(bq.huMean).toBeUndefined();
  });
});

describe('PET/CT ROIs saved with the study’s measurements', () => {
  const stats = { unit: 'SUVbw' as const, max: 7.25, mean: 3.5, peak: 5.125, volumeMl: 4.19, voxels: 120, huMean: 40 };

  it('saves a sphere as a SphereROI (centre, a surface point) with SUVmax, mean, peak and volume, and reads it back the same', () => {
    const roi = { id: 1, plane: 'axial', trackingUid: '2.25.77', shape: { kind: 'sphere' as const, centre: [-12.5, 30.25, 101.125] as [number, number, number], radiusMm: 10 }, stats };
    const saved = savedOfRoi(roi, '1.2.3.4')!;
    expect(savedMeasurementSchema.safeParse(saved).success).toBe(true);
    expect(saved).toMatchObject({ tool: 'SphereROI', trackingUid: '2.25.77', frameOfReferenceUid: '1.2.3.4' });
    expect(saved.values.map((v) => [v.quantity, v.value, v.unit])).toEqual([
      ['suvMax', 7.25, '{SUVbw}g/ml'],
      ['suvMean', 3.5, '{SUVbw}g/ml'],
      ['suvPeak', 5.125, '{SUVbw}g/ml'],
      ['volume', 4.19, 'ml'],
    ]);
    const back = roiOfSaved(saved)!.shape;
    expect(back.kind).toBe('sphere');
    expect(back.centre).toEqual(roi.shape.centre);
    expect(back.kind === 'sphere' && back.radiusMm).toBeCloseTo(10, 9);
  });

  it('says Bq/ml without SUV, saves no values before the volumes are in, and leaves unsaved ROIs and other tools out', () => {
    const shape = { kind: 'sphere' as const, centre: [0, 0, 0] as [number, number, number], radiusMm: 5 };
    const bq = savedOfRoi({ id: 1, plane: 'axial', trackingUid: '2.25.1', shape, stats: { ...stats, unit: 'Bq/ml', peak: null } }, '1.2')!;
    expect(bq.values.map((v) => v.quantity)).toEqual(['max', 'mean', 'volume']);
    expect(bq.values[0]!.unit).toBe('Bq/ml');
    expect(savedOfRoi({ id: 1, plane: 'axial', trackingUid: '2.25.1', shape }, '1.2')!.values).toEqual([]);
    expect(savedOfRoi({ id: 1, plane: 'axial', shape }, '1.2')).toBeUndefined();
    const ellipse = shapeFromDrag('ellipse', [0, 0, 0], [10, 8, 0], { focalPoint: [0, 0, 0], viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0] })!;
    expect(savedOfRoi({ id: 2, plane: 'axial', trackingUid: '2.25.2', shape: ellipse }, '1.2')!.values).toEqual([]);
    expect(roiOfSaved({ trackingUid: '2.25.3', tool: 'Length', points: [[0, 0], [1, 1]], values: [] })).toBeUndefined();
    expect(roiOfSaved({ trackingUid: '2.25.4', tool: 'EllipseROI3D', points: [[0, 0, 0], [0, 0, 0], [0, 1, 0], [0, -1, 0]], values: [] })).toBeUndefined();
  });

  it('saves an ellipse as an EllipseROI3D (longer axis first) with SUVmax, mean, peak and area, and reads it back in its plane', () => {
    // A coronal ellipse: semi-axes 3 mm along x and 5 mm along z; the longer (z) is saved first.
    const shape = { kind: 'ellipse' as const, centre: [10, -20, 30] as [number, number, number], semiAxisA: [3, 0, 0] as [number, number, number], semiAxisB: [0, 0, 5] as [number, number, number] };
    const saved = savedOfRoi({ id: 3, plane: 'coronal', trackingUid: '2.25.78', shape, stats }, '1.2.3.4')!;
    expect(savedMeasurementSchema.safeParse(saved).success).toBe(true);
    expect(saved).toMatchObject({ tool: 'EllipseROI3D', trackingUid: '2.25.78', frameOfReferenceUid: '1.2.3.4' });
    expect(saved.points).toEqual([
      [10, -20, 25],
      [10, -20, 35],
      [7, -20, 30],
      [13, -20, 30],
    ]);
    expect(saved.values.map((v) => [v.quantity, v.unit])).toEqual([
      ['suvMax', '{SUVbw}g/ml'],
      ['suvMean', '{SUVbw}g/ml'],
      ['suvPeak', '{SUVbw}g/ml'],
      ['area', 'mm2'],
    ]);
    // π · 5 · 3
    expect(saved.values.at(-1)!.value).toBeCloseTo(47.1238898, 6);
    const back = roiOfSaved(saved)!;
    expect(back.plane).toBe('coronal');
    expect(back.shape.centre).toEqual(shape.centre);
    // The same ellipse: the same voxels (the axes' order and sign do not matter to the statistics or the outline).
    const pet = { dims: [21, 21, 21] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, -30, 20] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: new Float32Array(21 ** 3).map((_, i) => i % 97) };
    const measured = measurePetCtRoi(shape, pet, undefined, 1);
    expect(measured.voxels).toBeGreaterThan(20);
    expect(measurePetCtRoi(back.shape, pet, undefined, 1)).toEqual(measured);
  });
});
