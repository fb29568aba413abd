/**
 * Data plane: time to the first image and to the whole volume, and throughput, on the real CT.
 *  - baseline: stock cornerstone3D (default settings) streaming volume loading straight from Orthanc's
 *    DICOMweb through a plain pass-through proxy (bench/pages/baseline);
 *  - cold: Dokuei through the gateway from Orthanc, empty local archive, fresh browser context;
 *  - warm: Dokuei from the local archive (the cold load stored the series), fresh browser context;
 *  - physical limit: reading the same files from disk and decoding their frames in Node, without a viewer.
 */
import { readFile } from 'node:fs/promises';
import { readPart10Header } from '../../electron/services/dicom/part10';
import { decodedFrames, pixelModuleOf } from '../../electron/services/dicom/pixelDecode/frames';
import { baselineLoad } from '../lib/browser';
import { MB } from '../lib/data';
import { dokueiLoad, startDokuei } from '../lib/dokuei';
import { lineChartSvg, loadCurveText } from '../lib/plots';
import { median } from '../lib/stats';
import type { Suite } from '../lib/types';
import { loadedViewers, PATIENT_ID, viewerEnv, type LoadedViewers } from '../lib/viewers';

export const dataPlaneSuite: Suite = {
  name: 'dataPlane',
  title: 'Data plane: first image, full volume and MB/s — stock cornerstone3D vs Dokuei cold/warm vs the physical limit',
  async run(ctx) {
    const env = await viewerEnv(ctx);
    const { ct } = env;
    // Browser loads take 15–30 s each here: --quick measures one of each, without a warm-up.
    const runs = ctx.options.quick ? 1 : ctx.options.runs;
    const warmups = ctx.options.quick ? 0 : ctx.options.warmups;
    if (ct.fallback) ctx.note(`⚠ measured on ${ct.label}`);
    else ctx.note(`Measured on ${ct.label}, served by Orthanc 1.10 on loopback.`);

    // Physical limit: the same bytes from disk (page cache warm after the upload) + decoded frames.
    const limitMBps: number[] = [];
    let pixelBytes = 0;
    for (let i = -1; i < Math.max(3, runs); i++) {
      const t0 = performance.now();
      let px = 0;
      for (const f of ct.files) {
        const bytes = new Uint8Array(await readFile(f));
        const pixel = pixelModuleOf(readPart10Header(bytes).dataset);
        if (typeof pixel === 'string') throw new Error(`${f}: ${pixel}`);
        for await (const frame of decodedFrames(bytes, pixel)) px += frame.byteLength;
      }
      const s = (performance.now() - t0) / 1000;
      pixelBytes = px;
      if (i >= 0) limitMBps.push(px / MB / s);
    }

    const base: { first: number; full: number; curve: [number, number][] }[] = [];
    const cold: typeof base = [];
    const warm: typeof base = [];
    let last: LoadedViewers | undefined;
    const keep = async (v: LoadedViewers) => {
      if (last) {
        await last.baseline.context.close();
        await last.dokuei.context.close();
        await last.dokuei.close();
      }
      last = v;
    };
    for (let i = -warmups; i < runs; i++) {
      ctx.log(`run ${i < 0 ? 'warm-up' : i + 1}/${runs}`);
      const b = await baselineLoad(env.browser, env.baselineUrl, env.study, env.series);
      // A fresh host each run: an empty archive, so the first load is cold.
      const session = await startDokuei([{ name: 'On-site PACS', url: env.orthanc.dicomwebUrl }]);
      const c = await dokueiLoad(env.browser, session.host, PATIENT_ID);
      await c.context.close();
      // The cold load stored the series in the archive (store-through): wait for it, then read it warm.
      const deadline = Date.now() + 120000;
      while (session.host.services.store.counts().instances < ct.files.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const stored = session.host.services.store.counts().instances;
      if (stored < ct.files.length) ctx.note(`run ${i}: only ${stored} of ${ct.files.length} instances were in the archive for the warm load`);
      const w = await dokueiLoad(env.browser, session.host, PATIENT_ID);
      await keep({ baseline: b, dokuei: { ...w, host: session.host, close: session.close } });
      if (i >= 0) {
        base.push({ first: b.load.firstImageMs, full: b.load.fullVolumeMs, curve: b.load.curve });
        cold.push({ first: c.load.firstImageMs, full: c.load.fullVolumeMs, curve: c.load.curve });
        warm.push({ first: w.load.firstImageMs, full: w.load.fullVolumeMs, curve: w.load.curve });
      }
    }
    // The memory and rendering suites reuse the last loaded pages.
    if (last) {
      const handed = last;
      await loadedViewers(ctx, () => Promise.resolve(handed));
    }

    const s = (xs: typeof base, k: 'first' | 'full') => xs.map((x) => x[k] / 1000);
    const mbps = (xs: typeof base) => xs.map((x) => pixelBytes / MB / (x.full / 1000));
    ctx.record('dataPlane.firstImage.cold', 's', s(cold, 'first'), s(base, 'first'), { better: 'lower', baselineIs: 'stock cornerstone3D via proxy' });
    ctx.record('dataPlane.firstImage.warm', 's', s(warm, 'first'), s(base, 'first'), { better: 'lower', baselineIs: 'stock cornerstone3D via proxy' });
    ctx.record('dataPlane.fullVolume.cold', 's', s(cold, 'full'), s(base, 'full'), { better: 'lower', baselineIs: 'stock cornerstone3D via proxy' });
    ctx.record('dataPlane.fullVolume.warm', 's', s(warm, 'full'), s(base, 'full'), { better: 'lower', baselineIs: 'stock cornerstone3D via proxy' });
    ctx.record('dataPlane.throughput.stock', 'MB/s', mbps(base), limitMBps, { better: 'higher', baselineIs: 'physical limit: disk read + decode' });
    ctx.record('dataPlane.throughput.cold', 'MB/s', mbps(cold), limitMBps, { better: 'higher', baselineIs: 'physical limit: disk read + decode' });
    ctx.record('dataPlane.throughput.warm', 'MB/s', mbps(warm), limitMBps, { better: 'higher', baselineIs: 'physical limit: disk read + decode' });
    ctx.note(`Times run from the request that starts the load (baseline: the series metadata fetch after cornerstone init; Dokuei: the click that opens the series with MPR 1+3 chosen) to the displayed slice being loaded (first image) and to all ${ct.files.length} slices (full volume). Throughput = ${(pixelBytes / MB).toFixed(1)} MB of decoded pixel data / full-volume time; the physical limit reads the same files from the (warm) disk and decodes their frames in Node (median ${median(limitMBps).toFixed(0)} MB/s).`);
    ctx.note('Each run uses a fresh browser context (empty HTTP cache) and, for Dokuei, a fresh browser host with an empty archive; warm = a second fresh context on the same host after store-through filled the archive.');

    const medianCurve = (xs: typeof base) => xs.slice().sort((a, b) => a.full - b.full)[Math.floor(xs.length / 2)]!.curve.map(([t, n]) => [t / 1000, n] as [number, number]);
    const curves = [
      { label: 'stock cornerstone3D', points: medianCurve(base) },
      { label: 'Dokuei cold', points: medianCurve(cold) },
      { label: 'Dokuei warm', points: medianCurve(warm) },
    ];
    ctx.svg('dataPlane-load-curves', lineChartSvg('Slices loaded over time (median run)', curves, 'seconds', 'slices loaded'), 'load curves');
    ctx.plot(loadCurveText('Load curves (median run)', curves, ct.files.length));
  },
};
