/**
 * RT dose review (issue #17): the time to isodose lines after opening an RT study, and the dose-volume histograms of every structure of an RT Structure Set on an RT Dose,
 * Dokuei's engine (common/rt/dvh.ts: slabs with end caps, sub-voxel sampling, trilinear dose) against the DVH simple
 * tools compute — each dose-grid voxel centre tested against the contours of the nearest plane (ray casting), the
 * voxel's own dose, the voxel's whole volume — on the same parsed inputs, in the same run. Speed alone would flatter
 * the baseline (it samples far fewer points), so the suite records the accuracy of both beside it: the volume of a
 * lens-sized sphere and the D95 of the PTV sphere against the phantom's analytic truth, over several dose-grid shifts
 * (a per-voxel DVH is right or wrong depending on where the voxel centres happen to fall).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { doseVoxelMm, type DoseGrid } from '../../common/rt/doseGrid';
import { computeDvh } from '../../common/rt/dvh';
import { closedPlanes, parseStructureSet, type ContourPlane, type Roi } from '../../common/rt/structureSet';
import { readDoseGrid } from '../../electron/cli/dvhCommand';
import { part10ToDicomJson } from '../../electron/services/dicom/datasetJson';
import { writeRtPhantom, type RtPhantom } from '../../test/support/rtPhantom';
import { makeTempDir, removeDir } from '../../test/support/tempDir';
import { startE2eSession } from '../../test/support/e2eSession';
import { barChart } from '../lib/plots';
import { median } from '../lib/stats';
import type { Suite } from '../lib/types';

/** The baseline's histogram bin (Gy), as simple tools use. */
const BIN_GY = 0.01;

/** What both sides report per structure, for the accuracy metrics. */
interface Result {
  volumeCc: number;
  d95Gy: number;
}

/** Even-odd ray casting: whether (x, y) is inside the polygon (x, y pairs). */
function insidePolygon(poly: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[i * 2]!;
    const yi = poly[i * 2 + 1]!;
    const xj = poly[j * 2]!;
    const yj = poly[j * 2 + 1]!;
    if (yi > y !== yj > y && x < xi + ((y - yi) / (yj - yi)) * (xj - xi)) inside = !inside;
  }
  return inside;
}

/**
 * The straightforward DVH: every dose-grid voxel centre is inside the structure when the structure's plane nearest
 * in z lies within half the plane spacing and the centre is inside an odd number of that plane's contours; it
 * counts with the voxel's dose and the voxel's whole volume. Cumulative histogram in 0.01 Gy bins; D95 = the
 * highest bin edge that at least 95 % of the volume receives.
 */
export function baselineDvh(planes: readonly ContourPlane[], grid: DoseGrid): Result {
  const [nx, ny, nz] = grid.size;
  const [sx, sy] = grid.spacing;
  const dz = doseVoxelMm(grid)[2];
  const voxelMm3 = sx * sy * dz;
  const gaps = planes.slice(1).map((p, i) => p.z - planes[i]!.z);
  const halfSpacing = (gaps.length ? median(gaps) : dz) / 2;
  const zs = planes.map((p) => p.z);
  const nearest = (z: number): ContourPlane | undefined => {
    let lo = 0;
    let hi = zs.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (zs[mid]! <= z) lo = mid;
      else hi = mid;
    }
    const k = Math.abs(zs[hi]! - z) < Math.abs(zs[lo]! - z) ? hi : lo;
    return Math.abs(zs[k]! - z) <= halfSpacing ? planes[k] : undefined;
  };
  const bins = new Float64Array(Math.ceil(grid.maxGy / BIN_GY) + 2);
  let count = 0;
  const { origin: o, rowDir: r, colDir: c, normal: n } = grid;
  for (let k = 0; k < nz; k++) {
    const w = grid.frameOffsets[k]!;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = o[0] + i * sx * r[0] + j * sy * c[0] + w * n[0];
        const y = o[1] + i * sx * r[1] + j * sy * c[1] + w * n[1];
        const z = o[2] + i * sx * r[2] + j * sy * c[2] + w * n[2];
        const plane = nearest(z);
        if (!plane) continue;
        let hits = 0;
        for (const poly of plane.polygons) if (insidePolygon(poly, x, y)) hits++;
        if (hits % 2 === 0) continue;
        bins[Math.floor(grid.gy[(k * ny + j) * nx + i]! / BIN_GY)]! += voxelMm3;
        count++;
      }
    }
  }
  // cumulative[b]: volume receiving at least b · 0.01 Gy.
  const cumulative = new Float64Array(bins.length + 1);
  for (let b = bins.length - 1; b >= 0; b--) cumulative[b] = cumulative[b + 1]! + bins[b]!;
  const total = count * voxelMm3;
  let d95 = 0;
  for (let b = bins.length - 1; b >= 0; b--) {
    if (cumulative[b]! >= 0.95 * total) {
      d95 = b * BIN_GY;
      break;
    }
  }
  return { volumeCc: total / 1000, d95Gy: d95 };
}

async function readDataset(file: string): Promise<{ dataset: DicomJsonDataset; bytes: Uint8Array }> {
  const bytes = new Uint8Array(await readFile(file));
  return { dataset: part10ToDicomJson(bytes).dataset, bytes };
}

/** Dose-grid shifts (mm) the accuracy is measured at: the phantom's default first, then others — a per-voxel DVH's
 * error depends on where the voxel centres fall on the structure, so one alignment alone can flatter it. */
const OFFSETS: [number, number, number][] = [[1.1, -0.7, 0.9], [0, 0, 0], [1.5, 1.5, 1.5], [0.5, -1.2, 0.3], [-1, 0.4, -1.3], [0.75, 0.75, 0]];

async function loadPhantom(dir: string, doseOffsetMm: [number, number, number]): Promise<{ phantom: RtPhantom; grid: DoseGrid; rois: Roi[] }> {
  const phantom = await writeRtPhantom(dir, { doseOffsetMm });
  const dose = await readDataset(phantom.files.rtdose);
  const grid = await readDoseGrid(dose.dataset, dose.bytes);
  const rois = parseStructureSet((await readDataset(phantom.files.rtstruct)).dataset).rois;
  return { phantom, grid, rois };
}

function roiNamed(rois: readonly Roi[], name: string): Roi {
  const roi = rois.find((r) => r.name === name);
  if (!roi) throw new Error(`the phantom RTSTRUCT has no ROI named "${name}"`);
  return roi;
}

export const rtSuite: Suite = {
  name: 'rt',
  title: 'RT: DVH of every structure, Dokuei (sub-voxel slabs) vs per-voxel point-in-polygon, with accuracy',
  async run(ctx) {
    const root = await makeTempDir('dokuei-bench-rt-');
    try {
      const { phantom, grid, rois } = await loadPhantom(path.join(root, 'default'), OFFSETS[0]!);

      // Both sides start from the same parsed RTSTRUCT and dose grid (file reading is outside the timing) and
      // group the contours by plane the same way.
      const ms: number[] = [];
      const baseMs: number[] = [];
      let points = 0;
      // Interleaved, so drift on a noisy machine hits both sides alike.
      for (let i = -ctx.options.warmups; i < ctx.options.runs; i++) {
        let t0 = performance.now();
        const ours = rois.map((roi) => computeDvh(closedPlanes(roi).planes, grid));
        const a = performance.now() - t0;
        t0 = performance.now();
        rois.map((roi) => baselineDvh(closedPlanes(roi).planes, grid));
        const b = performance.now() - t0;
        points = ours.reduce((s, d) => s + d.sampling.points, 0);
        if (i >= 0) {
          ms.push(a);
          baseMs.push(b);
        }
      }
      ctx.record('rt.dvhAllMs', 'ms', ms, baseMs, { better: 'lower', baselineIs: 'per-voxel point-in-polygon DVH, same inputs' });

      // Accuracy against the analytic truth, one sample per dose-grid shift (deterministic for a given shift).
      const smallTruth = phantom.truth.rois.find((r) => r.name === 'Small')!.volumeCc;
      const d95Truth = phantom.truth.doseAt([15 * Math.cbrt(0.95), 0, 0]);
      const volErr = (v: number) => (Math.abs(v - smallTruth) / smallTruth) * 100;
      const d95Err = (d: number) => (Math.abs(d - d95Truth) / phantom.truth.peakGy) * 100;
      const offsets = ctx.options.quick ? OFFSETS.slice(0, 3) : OFFSETS;
      const rows: { offset: [number, number, number]; small: [number, number]; d95: [number, number] }[] = [];
      for (const [n, offset] of offsets.entries()) {
        const at = n === 0 ? { grid, rois } : await loadPhantom(path.join(root, `shift${n}`), offset);
        const small = closedPlanes(roiNamed(at.rois, 'Small')).planes;
        const sphere = closedPlanes(roiNamed(at.rois, 'Sphere')).planes;
        rows.push({
          offset,
          small: [computeDvh(small, at.grid).volumeCc, baselineDvh(small, at.grid).volumeCc],
          d95: [computeDvh(sphere, at.grid).D['95'], baselineDvh(sphere, at.grid).d95Gy],
        });
      }
      ctx.record('rt.dvhSmallVolumeErrorPct', '%', rows.map((r) => volErr(r.small[0])), rows.map((r) => volErr(r.small[1])), { better: 'lower', baselineIs: 'per-voxel point-in-polygon DVH, same inputs' });
      ctx.record('rt.dvhSphereD95ErrorPct', '% of peak', rows.map((r) => d95Err(r.d95[0])), rows.map((r) => d95Err(r.d95[1])), { better: 'lower', baselineIs: 'per-voxel point-in-polygon DVH, same inputs' });

      // Time to isodose lines after opening the RT study (Enter on it in the study list: the RT review protocol hangs
      // the planning CT in MPR with its dose), against the time to the CT's first image in the same open.
      const session = await startE2eSession({ prefix: 'dokuei-bench-rt-open-', files: () => [...phantom.files.ct, phantom.files.rtstruct, phantom.files.rtplan, phantom.files.rtdose] });
      const isoS: number[] = [];
      const imageS: number[] = [];
      try {
        const { page, host } = session;
        for (let i = -ctx.options.warmups; i < (ctx.options.quick ? 2 : ctx.options.runs); i++) {
          // The host's URL carries the token in its fragment: going to it again from itself is a same-document
          // navigation (the page stays, the study stays open). A blank page in between makes each open a fresh page.
          await page.goto('about:blank');
          await page.goto(host.url);
          const row = page.locator('tr[data-study-uid]').first();
          await row.waitFor({ timeout: 60000 });
          // From the reader's first action on the study (the click that selects it; Enter then hangs it), whichever
          // shows the images first.
          await page.evaluate(() => {
            const w = window as unknown as { __benchRt: { t0?: number; image?: number; iso?: number } };
            const st = (w.__benchRt = {} as { t0?: number; image?: number; iso?: number });
            document.addEventListener('pointerdown', () => (st.t0 ??= performance.now()), { capture: true, once: true });
            const timer = setInterval(() => {
              if (st.t0 === undefined) return;
              if (st.image === undefined && document.querySelector('.viewport[data-state="ready"] canvas')) st.image = performance.now();
              // The RT review protocol hangs MPR 1+3: the first isodose line on any plane (or in a stack cell).
              const path = document.querySelector('[data-testid="rt-plane-layer"] path[data-gy][d^="M"], [data-testid="dose-lines"] path[d^="M"]');
              if (st.iso === undefined && path) st.iso = performance.now();
              if (st.image !== undefined && st.iso !== undefined) clearInterval(timer);
            }, 5);
          });
          await row.click();
          await page.keyboard.press('Enter');
          const got = await page.waitForFunction(() => {
            const st = (window as unknown as { __benchRt: { t0?: number; image?: number; iso?: number } }).__benchRt;
            return st.iso !== undefined && st.image !== undefined ? { image: st.image - st.t0!, iso: st.iso - st.t0! } : undefined;
          }, undefined, { timeout: 120000, polling: 50 });
          const { image, iso } = (await got.jsonValue()) as { image: number; iso: number };
          if (i >= 0) {
            imageS.push(image / 1000);
            isoS.push(iso / 1000);
          }
        }
      } finally {
        await session.close();
      }
      ctx.record('rt.isodoseAfterOpenS', 's', isoS, imageS, { better: 'lower', baselineIs: "the CT's first image in the same open" });
      ctx.note(
        '`rt.isodoseAfterOpenS`: Chromium (SwiftShader), the phantom study in the local archive, a fresh page each time; from the click on the study in the list (then Enter: the RT review protocol hangs the planning CT in MPR 1+3 with its structures and dose) to the first isodose line on the screen. Baseline: the same open, to the CT\'s first image (so the ratio is what the structure sets, the dose grid and its lines add).',
      );

      const [gx, gy, gz] = grid.size;
      ctx.note(
        `Data: the RT phantom of test/support/rtPhantom.ts (written to a temp dir, read with the CLI's readers): ${rois.length} ROIs (${rois.map((r) => r.name).join(', ')}) on a ${gx}×${gy}×${gz} dose grid of ${doseVoxelMm(grid).map((v) => +v.toFixed(2)).join('×')} mm; dose a Gaussian (peak ${phantom.truth.peakGy} Gy, σ ${phantom.truth.sigmaMm} mm).`,
      );
      ctx.note(
        `\`rt.dvhAllMs\` (the phantom's default dose grid, shifted ${OFFSETS[0]!.join(', ')} mm off the CT planes): Dokuei = \`computeDvh(closedPlanes(roi).planes, grid)\` for every ROI (${points} sample points in all: slabs with end caps, sub-voxel lattice, trilinear dose, 20 000-bin histogram). ` +
          `Baseline = every dose-grid voxel centre (${gx * gy * gz} per ROI) tested by ray casting against the contours of the ROI's nearest plane (inside when within half the plane spacing and inside an odd number of contours), the voxel's dose and volume, cumulative histogram in ${BIN_GY} Gy bins. Both from the same parsed files; interleaved runs.`,
      );
      ctx.note(
        `Accuracy, one sample per dose-grid shift (${offsets.length}: the default, then others — a per-voxel DVH depends on where the voxel centres fall): \`rt.dvhSmallVolumeErrorPct\` = |volume − ${smallTruth.toFixed(4)} cc| / truth of "Small" (6 mm sphere); ` +
          `\`rt.dvhSphereD95ErrorPct\` = |D95 − ${d95Truth.toFixed(3)} Gy| / ${phantom.truth.peakGy} Gy for "Sphere" (R 15 mm; truth = the dose at r = 15·∛0.95 mm). ` +
          'Dokuei\'s volume follows the contours (end planes capped half a plane spacing), so it differs slightly from the analytic sphere by construction. Per shift (Dokuei / baseline): ' +
          rows.map((r) => `[${r.offset.join(', ')}] mm: Small ${r.small[0].toFixed(4)} / ${r.small[1].toFixed(4)} cc, Sphere D95 ${r.d95[0].toFixed(3)} / ${r.d95[1].toFixed(3)} Gy`).join('; ') + '.',
      );
      ctx.plot(
        barChart(
          'DVH of all structures (median ms)',
          [
            { label: 'Dokuei computeDvh', value: median(ms) },
            { label: 'per-voxel point-in-polygon', value: median(baseMs) },
          ],
          'ms',
        ),
      );
    } finally {
      await removeDir(root);
    }
  },
};
