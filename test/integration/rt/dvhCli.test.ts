/**
 * `dokuei dvh RTDOSE RTSTRUCT --json` on the phantom RT set (test/support/rtPhantom.ts: a 60 Gy Gaussian dose,
 * σ 12 mm, on a 3 mm grid offset from the CT by a fraction of a voxel, and four structures with known volumes), read
 * by the command's own file reader: the JSON interface's shape, the numbers against the analytic truth, the same
 * numbers whichever form the Grid Frame Offset Vector takes and whether the grid is offset or not, the stored DVH
 * compared, and the errors a user can meet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { dvhCommand, type DvhLine } from '../../../electron/cli/dvhCommand';
import { CliUsageError } from '../../../electron/cli/pacsCommands';
import { writeRtPhantom, type RtPhantom } from '../../support/rtPhantom';
import { makeTempDir, removeDir } from '../../support/tempDir';

type Ok = Extract<DvhLine, { volumeCc: number }>;

async function dvh(args: string[], options: { structure?: string; v?: string } = {}): Promise<{ code: number; lines: DvhLine[]; err: string }> {
  const out: string[] = [];
  let err = '';
  const code = await dvhCommand(args, options, true, { out: (t) => out.push(t), err: (t) => void (err += t), isTty: false });
  return { code, lines: out.length ? (JSON.parse(out.join('\n')) as DvhLine[]) : [], err };
}

describe('dokuei dvh on the phantom RT set', () => {
  let dir: string;
  let offset: RtPhantom;
  let absolute: RtPhantom;
  let aligned: RtPhantom;

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-dvh-');
    offset = await writeRtPhantom(path.join(dir, 'offset'));
    absolute = await writeRtPhantom(path.join(dir, 'absolute'), { frameOffsets: 'absolute' });
    aligned = await writeRtPhantom(path.join(dir, 'aligned'), { doseOffsetMm: [0, 0, 0] });
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it('prints one object per structure, in the documented shape, with the volumes and doses of the truth', async () => {
    const { code, lines } = await dvh([offset.files.rtdose, offset.files.rtstruct]);
    expect(code).toBe(0);
    expect(lines.map((l) => [l.structure, l.roiNumber])).toEqual([['Sphere', 1], ['Box', 2], ['Small', 3], ['Ring', 4]]);
    for (const l of lines as Ok[]) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['structure', 'roiNumber', 'volumeCc', 'minGy', 'maxGy', 'meanGy', 'D', 'D0_03ccGy', 'cumulative']));
      expect(Object.keys(l.D).sort()).toEqual(['1', '2', '5', '50', '95', '98', '99']);
      expect(l.cumulative[0]).toEqual([0, expect.closeTo(l.volumeCc, 3)]);
      expect(l.stored?.type).toBe('CUMULATIVE');
    }
    const byName = Object.fromEntries((lines as Ok[]).map((l) => [l.structure, l]));
    // Volumes: the drawn structures (planes × 2.5 mm) against the truth's.
    for (const roi of offset.truth.rois) expect(Math.abs(byName[roi.name]!.volumeCc / roi.volumeCc - 1), roi.name).toBeLessThan(roi.name === 'Small' ? 0.025 : 0.01);
    // The Sphere is centred on the dose peak: D50 is the dose on the sphere holding half its volume.
    const sphere = byName.Sphere!;
    const d50 = offset.truth.doseAt([15 * Math.cbrt(0.5), 0, 0]);
    expect(Math.abs(sphere.D['50'] - d50) / offset.truth.peakGy).toBeLessThan(0.01);
    expect(sphere.maxGy).toBeGreaterThan(0.97 * offset.truth.peakGy);
    // The analytic cumulative DVH, where the drawn sphere is the sphere (away from its capped ends): each point
    // within 1 % volume or 1 % of the peak dose (trilinear interpolation of the Gaussian on the 3 mm grid runs up to
    // a little low near the peak: that is the grid's error, and shows as a dose difference).
    for (const d of [48, 51, 54, 57]) {
      const truth = offset.truth.sphereCumulativeCc(d);
      const computed = sphere.cumulative.find(([g]) => Math.abs(g - d) < 1e-6)![1];
      const doseAtTruth = [...sphere.cumulative].reverse().find(([, v]) => v >= truth)?.[0] ?? 0;
      const volumeOk = Math.abs(computed - truth) / 14.137 < 0.01;
      const doseOk = Math.abs(doseAtTruth - d) / offset.truth.peakGy < 0.01;
      expect(volumeOk || doseOk, `${d} Gy: ${computed.toFixed(3)} cc, truth ${truth.toFixed(3)} cc at ${doseAtTruth} Gy`).toBe(true);
    }
    // The box is the box: 8 cm³, and D0.03cc is near the peak it contains.
    expect(byName.Box!.volumeCc).toBeCloseTo(8, 2);
  });

  it('reads the absolute form of the Grid Frame Offset Vector exactly as the relative one', async () => {
    const rel = (await dvh([offset.files.rtdose, offset.files.rtstruct])).lines as Ok[];
    const abs = (await dvh([absolute.files.rtdose, absolute.files.rtstruct])).lines as Ok[];
    expect(abs.map((l) => [l.volumeCc, l.meanGy, l.D['95']])).toEqual(rel.map((l) => [l.volumeCc, l.meanGy, l.D['95']]));
  });

  it('a grid offset by a fraction of a voxel gives the DVH of the aligned grid (no shift)', async () => {
    const off = (await dvh([offset.files.rtdose, offset.files.rtstruct])).lines as Ok[];
    const al = (await dvh([aligned.files.rtdose, aligned.files.rtstruct])).lines as Ok[];
    for (let i = 0; i < off.length; i++) {
      // Both sample the same field; they differ only by where its trilinear interpolation errs (< 1 % of the peak).
      for (const k of ['50', '95', '5'] as const) expect(Math.abs(off[i]!.D[k] - al[i]!.D[k]) / 60, `${off[i]!.structure} D${k}`).toBeLessThan(0.01);
      expect(Math.abs(off[i]!.meanGy - al[i]!.meanGy) / 60).toBeLessThan(0.005);
    }
  });

  it('--structure picks one, --v adds volumes at doses', async () => {
    const { lines } = await dvh([offset.files.rtdose, offset.files.rtstruct], { structure: 'ring', v: '50,55Gy' });
    expect(lines).toHaveLength(1);
    const ring = lines[0] as Ok;
    expect(ring.structure).toBe('Ring');
    expect(Object.keys(ring.V!)).toEqual(['50', '55']);
    expect(ring.V!['50']).toBeGreaterThan(ring.V!['55']!);
  });

  it('says what is wrong: files swapped, a file missing, an unknown structure, a bad --v', async () => {
    const swapped = await dvh([offset.files.rtstruct, offset.files.rtdose]);
    expect(swapped.code).toBe(1);
    expect(swapped.err).toMatch(/other way round/);
    const missing = await dvh([path.join(dir, 'nope.dcm'), offset.files.rtstruct]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no such file/);
    await expect(dvh([offset.files.rtdose, offset.files.rtstruct], { structure: 'Heart' })).rejects.toThrow(/no structure named "Heart"; the structures are: Sphere, Box, Small, Ring/);
    await expect(dvh([offset.files.rtdose, offset.files.rtstruct], { v: 'twenty' })).rejects.toThrow(CliUsageError);
    await expect(dvh([offset.files.rtdose])).rejects.toThrow(/an RT Dose file and an RT Structure Set file/);
  });
});
