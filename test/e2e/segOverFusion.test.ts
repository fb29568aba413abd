/**
 * The QIN-HEADNECK PET's tumour SEG over the fused PET/CT (issue #17; ../shared/data/pet_qin_headneck_0024, skipped
 * without it). The set has no CT: a CT series is written in the PET's frame of reference (same study, same slice
 * positions, water everywhere), so the study opens in the PET/CT layout. On the fused axial plane through the SEG's
 * centre the segment is outlined (screenshot pixels on its outline in its colour) around that centre, and the SUV
 * panel's segment row holds the SEG's voxel count and the volume it makes (the CLI's numbers).
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getNumbers, getString, type DicomJsonDataset } from '../../common/dicom/dicomJson';
import { findPixelData, segToMasks } from '../../common/seg';
import { part10ToDicomJson } from '../../electron/services/dicom/datasetJson';
import { suvCommand } from '../../electron/cli/suvCommand';
import { petGrid } from '../../renderer/features/suv/model/segVolume';
import { dicomFilesIn, sharedDataDir } from '../support/data';
import { writeDcmjs } from '../support/dcmjsWrite';
import { openStudyByEnter, shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { decodePng } from '../support/png';

const qin = sharedDataDir('pet_qin_headneck_0024');
type Vec3 = [number, number, number];

/** A water CT with the PET's slices (positions, orientation, size, spacing), in its study and frame of reference. */
function writeCtForPet(petFiles: readonly string[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const series = '2.25.24857129384712938471293847129';
  return petFiles.map((f, k) => {
    const pet = part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset;
    const rows = Number(pet['00280010']!.Value![0]);
    const columns = Number(pet['00280011']!.Value![0]);
    const file = path.join(dir, `ct${String(k + 1).padStart(3, '0')}.dcm`);
    writeFileSync(
      file,
      writeDcmjs({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        SOPInstanceUID: `${series}.${k + 1}`,
        StudyInstanceUID: getString(pet, '0020000D'),
        SeriesInstanceUID: series,
        FrameOfReferenceUID: getString(pet, '00200052'),
        PatientName: getString(pet, '00100010') ?? 'QIN',
        PatientID: getString(pet, '00100020'),
        StudyDate: getString(pet, '00080020'),
        Modality: 'CT',
        SeriesNumber: '99',
        InstanceNumber: String(k + 1),
        SeriesDescription: 'Synthetic CT for fusion',
        ImagePositionPatient: getNumbers(pet, '00200032', 3),
        ImageOrientationPatient: getNumbers(pet, '00200037', 6),
        PixelSpacing: getNumbers(pet, '00280030', 2),
        SliceThickness: getNumbers(pet, '00180050', 1)?.[0] ?? 3,
        Rows: rows,
        Columns: columns,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        RescaleIntercept: -1024,
        RescaleSlope: 1,
        PixelData: new Int16Array(rows * columns).fill(1024).buffer,
        _vrMap: { PixelData: 'OW' },
      }),
    );
    return file;
  });
}

describe.skipIf(!qin)('the tumour SEG over the fused PET/CT', () => {
  let s: E2eSession;
  let centre: Vec3;
  const segFile = qin ? path.join(qin, 'SEG', '3DSlicer', 'tumor_User1_Manual_Trial1.dcm') : '';

  beforeAll(async () => {
    const petFiles = dicomFilesIn(path.join(qin!, 'PET'));
    // The SEG's centre on the PET grid (common/seg, the masks the viewer and `dokuei suv --seg` use).
    const metadata = petFiles.map((f) => part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset as DicomJsonDataset);
    const grid = petGrid(metadata);
    const segBytes = new Uint8Array(readFileSync(segFile));
    const masks = segToMasks(part10ToDicomJson(segBytes).dataset, findPixelData(segBytes), { ...grid.volume, sopInstanceUids: grid.instances.map((ds) => getString(ds, '00080018')) });
    const m = masks.segments[0]!;
    const [nx, ny] = grid.volume.dims;
    const sum: [number, number, number] = [0, 0, 0];
    let n = 0;
    for (let v = 0; v < m.mask.length; v++) {
      if (!m.mask[v]) continue;
      sum[0] += v % nx;
      sum[1] += Math.floor(v / nx) % ny;
      sum[2] += Math.floor(v / (nx * ny));
      n++;
    }
    const ijk = sum.map((x) => x / n);
    const { origin, spacing, direction: d } = grid.volume;
    centre = [0, 1, 2].map((a) => origin[a]! + d[a * 3]! * ijk[0]! * spacing[0] + d[a * 3 + 1]! * ijk[1]! * spacing[1] + d[a * 3 + 2]! * ijk[2]! * spacing[2]) as Vec3;
    s = await startE2eSession({ prefix: 'dokuei-e2e-segfusion-', files: (dataDir) => [...petFiles, segFile, ...writeCtForPet(petFiles, path.join(dataDir, 'ct'))] });
  }, 300000);
  afterAll(async () => {
    await s?.close();
  });

  const hook = (page: Page) => <T,>(method: string, ...args: unknown[]) =>
    page.evaluate(([mm, a]) => (window as unknown as { __dokueiPetCt: Record<string, (...x: unknown[]) => unknown> }).__dokueiPetCt[mm as string]!(...(a as unknown[])) as T, [method, args] as const);

  it('outlines the segment around its centre on the fused axial plane, in its colour; the panel holds its voxels', async () => {
    const { page, host } = s;
    await openStudyByEnter(page, host.url);
    await expect.poll(() => page.locator('.workspace').getAttribute('data-layout'), { timeout: 30000 }).toBe('petct');
    await page.locator('[data-testid="petct"][data-state="ready"]').waitFor({ timeout: 180000 });
    // Scroll the fused axial plane to the SEG's centre.
    const axial = page.locator('[data-testid="petct"] [data-layer="base"][data-plane="axial"]');
    const box = (await axial.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const focalZ = async () => (await hook(page)<Vec3>('focalPoint', 'axial'))[2];
    let dz = Math.abs((await focalZ()) - centre[2]);
    let direction = 1;
    for (let i = 0; i < 200 && dz > 2; i++) {
      await page.mouse.wheel(0, 100 * direction);
      await page.waitForTimeout(60);
      const next = Math.abs((await focalZ()) - centre[2]);
      if (next > dz) direction = -direction;
      dz = next;
    }
    expect(dz).toBeLessThanOrEqual(2);
    const outline = axial.locator('..').locator('[data-testid="seg-outline-layer"] path[data-segment="1"]');
    await expect.poll(async () => ((await outline.getAttribute('d')) ?? '').length, { timeout: 60000 }).toBeGreaterThan(20);
    await page.waitForTimeout(500);
    const d = (await outline.getAttribute('d')) ?? '';
    const nums = [...d.matchAll(/-?\d+(?:\.\d+)?/g)].map((x) => Number(x[0]));
    const pts: [number, number][] = [];
    for (let i = 0; i < nums.length; i += 2) pts.push([nums[i]!, nums[i + 1]!]);
    // The outline surrounds the segment's centre.
    const at = (await hook(page)<[number, number]>('toPage', 'axial', centre))!;
    const xs = pts.map((p) => box.x + p[0]);
    const ys = pts.map((p) => box.y + p[1]);
    expect(at[0]).toBeGreaterThan(Math.min(...xs));
    expect(at[0]).toBeLessThan(Math.max(...xs));
    expect(at[1]).toBeGreaterThan(Math.min(...ys));
    expect(at[1]).toBeLessThan(Math.max(...ys));
    // And it is on the screen, in the segment's colour (#00ff66).
    const shot = decodePng(await page.screenshot({ path: path.join(shotsDir, 'e2e-seg-over-fusion.png') }));
    const step = Math.max(1, Math.floor(pts.length / 30));
    let hits = 0;
    let tried = 0;
    for (let i = 0; i < pts.length; i += step) {
      tried++;
      let best = Infinity;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const k = (Math.round(box.y + pts[i]![1] + dy) * shot.width + Math.round(box.x + pts[i]![0] + dx)) * shot.channels;
          best = Math.min(best, Math.max(Math.abs(shot.pixels[k]! - 0x00), Math.abs(shot.pixels[k + 1]! - 0xff), Math.abs(shot.pixels[k + 2]! - 0x66)));
        }
      if (best < 70) hits++;
    }
    expect(hits / tried, `${hits} of ${tried} outline points in the segment's colour`).toBeGreaterThanOrEqual(0.8);

    // The SUV panel's segment row: the SEG's voxels and volume, as `dokuei suv --seg` counts them.
    const out: string[] = [];
    await suvCommand([path.join(qin!, 'PET')], { seg: segFile }, true, { out: (l) => out.push(l), err: () => undefined, isTty: false });
    const cli = (JSON.parse(out.join('\n')) as { segments?: { segmentNumber: number; voxels: number; volumeMl: number }[] }[]).at(-1)!.segments!;
    await page.getByRole('button', { name: 'SUV…' }).click();
    const row = page.locator('[data-testid="suv-segment"][data-segment="1"]');
    await row.waitFor({ timeout: 60000 });
    expect(Number(await row.getAttribute('data-voxels'))).toBe(cli[0]!.voxels);
    expect(await row.locator('td').first().textContent()).toBe(cli[0]!.volumeMl.toFixed(2));
    expect(s.pageErrors).toEqual([]);
  }, 300000);
});
