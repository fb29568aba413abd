/**
 * The 4DCT phantom (test/support/fourDct.ts, issue #17) through splitPhases, from the files themselves: both layouts
 * scanners export (every phase in one series, one series per phase) read back with the services' own Part 10
 * reader give the generator's 10 phases with its percentages, each phase's images exactly the ones written for it,
 * and the moving sphere's widest slice in each phase at the generator's z (within one slice) — so a cine or MIP
 * over the phases would show the motion the data hold. The files are valid DICOM (dciodvfy: no error).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNumbers, getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { splitPhases, type PhaseInstance } from '../../../common/volume/respiratoryPhases';
import { part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import { decodedFrames, pixelModuleOf } from '../../../electron/services/dicom/pixelDecode/frames';
import { writeFourDct, type FourDct } from '../../support/fourDct';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { dciodvfy } from '../suv/dciodvfy';

interface ReadBack {
  instances: PhaseInstance[];
  /** The file bytes of each dataset, to decode its pixels. */
  bytes: Map<DicomJsonDataset, Uint8Array>;
}

function readBack(files: readonly string[]): ReadBack {
  const bytes = new Map<DicomJsonDataset, Uint8Array>();
  const instances = files.map((file) => {
    const b = new Uint8Array(readFileSync(file));
    const { dataset } = part10ToDicomJson(b);
    bytes.set(dataset, b);
    return { seriesUid: getString(dataset, Tag.SeriesInstanceUID) ?? '', dataset };
  });
  return { instances, bytes };
}

/** HU above which a voxel is the sphere (+400) rather than the body (0) or air (−1000). */
const SPHERE_THRESHOLD_HU = 200;

/** z of the slice where the sphere is widest (the mean z of tied slices): its centre, to within one slice. */
async function sphereSliceZ(datasets: readonly DicomJsonDataset[], bytes: Map<DicomJsonDataset, Uint8Array>): Promise<number> {
  const counts: { z: number; count: number }[] = [];
  for (const ds of datasets) {
    const pixel = pixelModuleOf(ds);
    if (typeof pixel === 'string') throw new Error(pixel);
    let count = 0;
    for await (const frame of decodedFrames(bytes.get(ds)!, pixel)) {
      for (const stored of frame) if (stored * pixel.rescaleSlope + pixel.rescaleIntercept >= SPHERE_THRESHOLD_HU) count++;
    }
    counts.push({ z: getNumbers(ds, Tag.ImagePositionPatient, 3)![2]!, count });
  }
  const widest = Math.max(...counts.map((c) => c.count));
  const tied = counts.filter((c) => c.count === widest);
  return tied.reduce((s, c) => s + c.z, 0) / tied.length;
}

const sopOf = (ds: DicomJsonDataset): string => getString(ds, Tag.SOPInstanceUID) ?? '';

describe.each(['one-series', 'series-per-phase'] as const)('4DCT phantom, %s', (layout) => {
  let dir: string | undefined;
  let phantom: FourDct;
  let read: ReadBack;

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-4dct-');
    phantom = await writeFourDct(dir, { layout });
    read = readBack(phantom.files);
  });
  afterAll(async () => removeDir(dir));

  it('is written as the layout says: one series or one per phase, one study and frame of reference', () => {
    const series = new Set(read.instances.map((i) => i.seriesUid));
    expect([...series].sort()).toEqual([...phantom.truth.seriesUids].sort());
    expect(series.size).toBe(layout === 'one-series' ? 1 : 10);
    expect(new Set(read.instances.map((i) => getString(i.dataset, Tag.StudyInstanceUID)))).toEqual(new Set([phantom.truth.studyUid]));
    expect(new Set(read.instances.map((i) => getString(i.dataset, Tag.FrameOfReferenceUID)))).toEqual(new Set([phantom.truth.frameOfReferenceUid]));
    expect(read.instances).toHaveLength(10 * 32);
  });

  it('splits into the 10 phases of the truth, each with exactly its own 32 images in slice order', () => {
    const split = splitPhases(read.instances);
    if (split.kind !== 'phases') throw new Error(`not split: ${split.reason}`);
    expect(split.warnings).toEqual([]);
    expect(split.positionsPerPhase).toBe(32);
    expect(split.phases.map((p) => p.percent)).toEqual(phantom.truth.phases.map((p) => p.percent));
    expect(split.phases.map((p) => p.label)).toEqual(['0 %', '10 %', '20 %', '30 %', '40 %', '50 %', '60 %', '70 %', '80 %', '90 %']);
    for (const [i, phase] of split.phases.entries()) {
      const expected = phantom.truth.phases[i]!.files.map((f) => sopOf(part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset));
      expect(phase.datasets.map(sopOf)).toEqual(expected);
      expect(phase.datasets.map((d) => getNumbers(d, Tag.ImagePositionPatient, 3)![2])).toEqual(phantom.truth.sliceZ);
    }
  });

  it('shows the sphere of each phase at the truth\'s z, within one slice', async () => {
    const split = splitPhases(read.instances);
    if (split.kind !== 'phases') throw new Error(`not split: ${split.reason}`);
    const measured: number[] = [];
    for (const [i, phase] of split.phases.entries()) {
      const z = await sphereSliceZ(phase.datasets, read.bytes);
      expect(Math.abs(z - phantom.truth.phases[i]!.sphereCentreZ), `phase ${phase.label}`).toBeLessThanOrEqual(phantom.truth.sliceSpacingMm);
      measured.push(z);
    }
    // The motion is there to see: end-inhale (0 %) and end-exhale (50 %) differ by the amplitude, within a slice.
    expect(Math.abs(Math.max(...measured) - Math.min(...measured) - phantom.truth.amplitudeMm)).toBeLessThanOrEqual(phantom.truth.sliceSpacingMm);
  });

  it('writes CT images dciodvfy finds no error in', async () => {
    const result = await dciodvfy(phantom.truth.phases[3]!.files[10]!);
    expect(result.output).toMatch(/CTImage/);
    expect(result.errors).toEqual([]);
    // The temporal attributes are standard but outside the legacy CT Image IOD: the only warnings allowed.
    const allowed = /Attribute is not present in standard DICOM IOD - \((0x0018,0x1060|0x0020,0x0100|0x0020,0x0105)\)|Standard Extended SOP Class/;
    expect(result.warnings.filter((w) => !allowed.test(w))).toEqual([]);
    if (layout === 'series-per-phase') expect(result.warnings).toEqual([]);
  });
});
