/**
 * loadSeriesVolume on an enhanced multi-frame CT (written here with dcmjs) whose frames carry their own Rescale
 * Slope/Intercept in the functional groups: each slice of the volume is in that frame's modality values. With the
 * top-level (decoy) rescale the registration would compare wrong HU.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeriesVolume } from '../../../../../electron/services/registration/loadSeriesVolume';
import { writeDcmjs } from '../../../../support/dcmjsWrite';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const ROWS = 4;
const COLS = 5;
const RESCALES = [
  { slope: 1, intercept: -1024 },
  { slope: 2, intercept: -2048 },
  { slope: 0.5, intercept: 100 },
];
const STORED = [0, 1, 2].map((f) => Int16Array.from({ length: ROWS * COLS }, (_, i) => 1000 + i * 7 + f * 3));

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('dokuei-enhanced-volume-');
  const pixels = new Int16Array(ROWS * COLS * 3);
  STORED.forEach((f, k) => pixels.set(f, k * f.length));
  const frame = (k: number) => ({
    PlanePositionSequence: [{ ImagePositionPatient: [0, 0, k * 2] }],
    PixelValueTransformationSequence: [{ RescaleSlope: RESCALES[k]!.slope, RescaleIntercept: RESCALES[k]!.intercept, RescaleType: 'HU' }],
    FrameContentSequence: [{ InStackPositionNumber: k + 1 }],
  });
  const bytes = writeDcmjs({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2.1', SOPInstanceUID: '1.2.826.0.1.3680043.9.7777.31.1', StudyInstanceUID: '1.2.826.0.1.3680043.9.7777.31.2',
    SeriesInstanceUID: '1.2.826.0.1.3680043.9.7777.31.3', FrameOfReferenceUID: '1.2.826.0.1.3680043.9.7777.31.4', Modality: 'CT', PatientName: 'Enhanced^Volume', PatientID: 'ENH-2',
    NumberOfFrames: 3, Rows: ROWS, Columns: COLS, SamplesPerPixel: 1, BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1,
    PhotometricInterpretation: 'MONOCHROME2', RescaleSlope: 10, RescaleIntercept: 5, // decoy: the functional groups win
    SharedFunctionalGroupsSequence: [{ PlaneOrientationSequence: [{ ImageOrientationPatient: [1, 0, 0, 0, 1, 0] }], PixelMeasuresSequence: [{ PixelSpacing: [1, 1], SliceThickness: 2 }] }],
    PerFrameFunctionalGroupsSequence: [frame(0), frame(1), frame(2)],
    PixelData: pixels.buffer, _vrMap: { PixelData: 'OW' },
  });
  await fs.writeFile(path.join(dir, 'enhanced.dcm'), bytes);
});
afterAll(() => removeDir(dir));

describe('loadSeriesVolume: enhanced multi-frame', () => {
  it('applies each frame\'s own rescale from the functional groups', async () => {
    const { volume } = await loadSeriesVolume(dir);
    expect(volume.dims).toEqual([COLS, ROWS, 3]);
    for (let k = 0; k < 3; k++) {
      for (const i of [0, 7, ROWS * COLS - 1]) {
        // e.g. frame 2 (k = 1), pixel 7: stored 1000 + 49 + 3 = 1052 → 1052 × 2 − 2048 = 56
        expect(volume.data[k * ROWS * COLS + i], `frame ${k + 1} pixel ${i}`).toBeCloseTo(STORED[k]![i]! * RESCALES[k]!.slope + RESCALES[k]!.intercept, 4);
      }
    }
  });
});
