/**
 * The SUV panel's PET grid and voxels (renderer/features/suv/model/segVolume.ts): the grid must be the one the
 * CLI's loadSeriesVolume builds (so the SEG lands on the same voxels and both print the same SUVmax), frames are
 * read as modality values, and each slice gets the factor of its own instance whatever the stack order.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { computeSeriesSuv } from '../../../../../../common/suv';
import { part10ToDicomJson } from '../../../../../../electron/services/dicom/datasetJson';
import { loadSeriesVolume } from '../../../../../../electron/services/registration/loadSeriesVolume';
import { fillSlice, petGrid, sliceFactorsOf } from '../../../../../../renderer/features/suv/model/segVolume';
import { writePetCtPhantom, type PetCtPhantom } from '../../../../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../../../../support/tempDir';

describe('segVolume', () => {
  let dir: string | undefined;
  let phantom: PetCtPhantom;
  let headers: DicomJsonDataset[];
  beforeAll(async () => {
    dir = await makeTempDir('dokuei-segvolume-');
    phantom = writePetCtPhantom(dir, { pet: { rows: 16, columns: 20, slices: 6 } });
    headers = phantom.petFiles.map((f) => part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset);
  });
  afterAll(async () => removeDir(dir));

  it('builds the grid loadSeriesVolume builds, whatever order the metadata come in', async () => {
    const cli = (await loadSeriesVolume(path.dirname(phantom.petFiles[0]!))).volume;
    const grid = petGrid([...headers].reverse());
    expect(grid.volume.dims).toEqual(cli.dims);
    expect(grid.volume.origin).toEqual(cli.origin);
    grid.volume.spacing.forEach((s, a) => expect(s).toBeCloseTo(cli.spacing[a]!, 9));
    grid.volume.direction.forEach((d, a) => expect(d).toBeCloseTo(cli.direction[a]!, 9));
  });

  it('reads signed 16-bit frames as stored × slope + intercept', () => {
    // 2×1 pixels: stored −2 and 300; slope 0.5, intercept 10 → 9 and 160.
    const instance: DicomJsonDataset = {
      '00280100': { vr: 'US', Value: [16] },
      '00280103': { vr: 'US', Value: [1] },
      '00281053': { vr: 'DS', Value: [0.5] },
      '00281052': { vr: 'DS', Value: [10] },
    };
    const volume = { dims: [2, 1, 2] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: new Float32Array(4) };
    fillSlice(volume, 1, instance, Uint8Array.from([0xfe, 0xff, 0x2c, 0x01]), '1.2.840.10008.1.2');
    expect([...volume.data]).toEqual([0, 0, 9, 160]);
    expect(() => fillSlice(volume, 0, instance, new Uint8Array(4), '1.2.840.10008.1.2.4.70')).toThrow(/uncompressed only/);
  });

  it('gives slice k the factor of its own instance', () => {
    const grid = petGrid(headers);
    // Stack order reversed, and a different (made-up) factor per instance: slice k must get instance k's.
    const order = [...grid.instances].reverse();
    const results = computeSeriesSuv(order).map((r, i) => ({ ...r, factors: { ...r.factors, bw: i + 1 } }));
    expect(sliceFactorsOf(grid, order, results)).toEqual(grid.instances.map((_, k) => grid.instances.length - k));
  });
});
