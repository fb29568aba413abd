/**
 * `dokuei inspect` on an enhanced multi-frame object (written here with dcmjs) whose frames have different
 * Rescale Slope/Intercept in the functional groups: each frame's modality min/max uses its own Pixel Value
 * Transformation (per-frame item, else the shared one; the top-level values are a decoy), and the comparison
 * with a lossy derivative is made in each frame's modality values.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectResult } from '../../../../../common/dicom/inspectResult';
import { inspectFile, inspectFiles } from '../../../../../electron/services/dicom/inspect';
import { writeDcmjs } from '../../../../support/dcmjsWrite';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const ROWS = 8;
const COLS = 6;
const ENHANCED_CT = '1.2.840.10008.5.1.4.1.1.2.1';
const ORIGINAL = '1.2.826.0.1.3680043.9.7777.30.1';
/** Per frame: the rescale the file gives it (frame 3 has no per-frame item: the shared one applies). */
const RESCALES = [
  { slope: 1, intercept: -1024 },
  { slope: 2, intercept: -2048 },
  { slope: 0.5, intercept: 100 }, // shared
];
const STORED = [0, 1, 2].map((f) => Int16Array.from({ length: ROWS * COLS }, (_, i) => 100 + ((i * 13 + f * 5) % 40) * 10));

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('dokuei-inspect-enhanced-');
});
afterAll(() => removeDir(dir));

function pvt(r: { slope: number; intercept: number }) {
  return { PixelValueTransformationSequence: [{ RescaleSlope: r.slope, RescaleIntercept: r.intercept, RescaleType: 'HU' }] };
}

function enhanced(): Uint8Array {
  const pixels = new Int16Array(ROWS * COLS * 3);
  STORED.forEach((f, k) => pixels.set(f, k * f.length));
  return writeDcmjs({
    SOPClassUID: ENHANCED_CT, SOPInstanceUID: ORIGINAL, StudyInstanceUID: '1.2.826.0.1.3680043.9.7777.30.2', SeriesInstanceUID: '1.2.826.0.1.3680043.9.7777.30.3',
    Modality: 'CT', PatientName: 'Enhanced^Frames', PatientID: 'ENH-1', NumberOfFrames: 3, Rows: ROWS, Columns: COLS, SamplesPerPixel: 1,
    BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1, PhotometricInterpretation: 'MONOCHROME2',
    RescaleSlope: 10, RescaleIntercept: 5, // top level: must not be used when the functional groups say otherwise
    SharedFunctionalGroupsSequence: [pvt(RESCALES[2]!)],
    PerFrameFunctionalGroupsSequence: [pvt(RESCALES[0]!), pvt(RESCALES[1]!), { FrameContentSequence: [{ FrameAcquisitionNumber: 3 }] }],
    PixelData: pixels.buffer, _vrMap: { PixelData: 'OW' },
  });
}

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

describe('inspect: enhanced multi-frame with per-frame rescale', () => {
  it('each frame\'s modality min/max uses its own functional group; stored min/max are unchanged', async () => {
    const r = await inspectFile(await write('enhanced.dcm', enhanced()));
    expect(InspectResult.parse(r)).toEqual(r);
    expect(r).toMatchObject({ ok: true, numberOfFrames: 3, framesError: null, lossless: true });
    const expected = STORED.map((f, k) => {
      const [min, max] = [Math.min(...f), Math.max(...f)];
      const { slope, intercept } = RESCALES[k]!;
      return { min, max, modalityMin: min * slope + intercept, modalityMax: max * slope + intercept };
    });
    expect(r.frames!.map(({ min, max, modalityMin, modalityMax }) => ({ min, max, modalityMin, modalityMax }))).toEqual(expected);
    // The frames differ in modality values although their stored ranges overlap.
    expect(new Set(r.frames!.map((f) => f.modalityMax)).size).toBe(3);
  });

  it('a lossy derivative is compared in each frame\'s own modality values', async () => {
    // The derivative stores the original's modality values directly (one top-level rescale 1/0), one sample off by 3.
    const values = STORED.map((f, k) => Int16Array.from(f, (v) => v * RESCALES[k]!.slope + RESCALES[k]!.intercept));
    values[1]![7] = values[1]![7]! + 3;
    const pixels = new Int16Array(ROWS * COLS * 3);
    values.forEach((f, k) => pixels.set(f, k * f.length));
    const lossy = writeDcmjs({
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.7.2', SOPInstanceUID: '1.2.826.0.1.3680043.9.7777.30.9', Modality: 'CT', NumberOfFrames: 3,
      Rows: ROWS, Columns: COLS, SamplesPerPixel: 1, BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1,
      PhotometricInterpretation: 'MONOCHROME2', RescaleSlope: 1, RescaleIntercept: 0, LossyImageCompression: '01',
      SourceImageSequence: [{ ReferencedSOPClassUID: ENHANCED_CT, ReferencedSOPInstanceUID: ORIGINAL }],
      PixelData: pixels.buffer, _vrMap: { PixelData: 'OW' },
    });
    const files = [await write('lossy.dcm', lossy), await write('original.dcm', enhanced())];
    const [l, o] = await inspectFiles(files);
    expect(o).toMatchObject({ lossless: true, maxDifferenceFromLossless: null });
    expect(l).toMatchObject({ lossless: false, losslessReference: files[1], maxDifferenceFromLossless: 3 });
  });
});
