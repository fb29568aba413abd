/**
 * Failover: a reader is paging through frames served by the on-site PACS through the gateway; the on-site
 * Orthanc is stopped (the upstream is cut). Measured: time from the cut to the next frame served, complete,
 * by the off-site archive node holding the same study (the gateway's failover). Baseline: the time one frame
 * takes with the upstream healthy, in the same run. Wired as in test/integration/failover/failover.test.ts.
 */
import type { EncryptedArchive } from '../../electron/services/archive/encryptedArchive';
import { createGateway, type DataPlaneGateway } from '../../electron/services/gateway/gateway';
import { DicomwebUpstream } from '../../electron/services/pacs/upstream';
import { createNodeFetcher, type NodeFetcher } from '../../electron/services/pacs/dicomweb/http';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { DicomwebNodeSettings } from '../../electron/services/settings/settings';
import { evenlySpaced } from '../../test/support/data';
import { readDicomFile, type DicomFileInfo } from '../../test/support/dicomFiles';
import { FRAMES_ACCEPT } from '../../test/support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../../test/support/orthanc';
import { makeTempDir, removeDir } from '../../test/support/tempDir';
import { openTestArchive } from '../../test/support/testArchive';
import { benchCt } from '../lib/data';
import { barChart } from '../lib/plots';
import { median } from '../lib/stats';
import type { Suite } from '../lib/types';

const TIMEOUT_MS = 3000;
const CONNECT_TIMEOUT_MS = 1000;

class CountingUpstream extends DicomwebUpstream {
  count = 0;
  override fetch(pathAndQuery: string, accept: string, signal?: AbortSignal): Promise<Response> {
    this.count++;
    return super.fetch(pathAndQuery, accept, signal);
  }
}

export const failoverSuite: Suite = {
  name: 'failover',
  title: 'Failover: upstream cut → next frame served by the off-site archive',
  async run(ctx) {
    const ct = benchCt();
    const files: DicomFileInfo[] = await Promise.all(evenlySpaced(ct.files, ctx.options.quick ? 8 : 12).map(readDicomFile));
    const study = files[0]!.study;
    const series = files[0]!.series;
    const fetchers: NodeFetcher[] = [];
    const upstream = (name: string, o: OrthancInstance) => {
      const settings = DicomwebNodeSettings.parse({ kind: 'dicomweb', id: name.replace(/\W/g, '').toLowerCase(), name, url: o.dicomwebUrl, timeoutMs: TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS });
      const fetcher = createNodeFetcher(settings, new MemorySecretStore());
      fetchers.push(fetcher);
      return new CountingUpstream({ name, baseUrl: fetcher.baseUrl, timeoutMs: TIMEOUT_MS, fetcher });
    };
    const framePath = (f: DicomFileInfo) => `/dicomweb/studies/${study}/series/${series}/instances/${f.sop}/frames/1`;
    const get = async (gateway: DataPlaneGateway, f: DicomFileInfo) => {
      const res = await gateway(new Request(`http://127.0.0.1:1${framePath(f)}`, { headers: { Accept: FRAMES_ACCEPT } }));
      const body = await res.arrayBuffer();
      return { status: res.status, bytes: body.byteLength };
    };

    const archive = await startOrthanc({ name: 'OffsiteArchive' });
    const failoverMs: number[] = [];
    const healthyMs: number[] = [];
    const failedDuring: number[] = [];
    try {
      for (const f of files) await archive.upload(f.path);
      for (let run = -ctx.options.warmups; run < ctx.options.runs; run++) {
        const onsite = await startOrthanc({ name: 'OnsitePACS' });
        const dir = await makeTempDir('dokuei-bench-failover-');
        let gateway: DataPlaneGateway | undefined;
        let store: EncryptedArchive | undefined;
        try {
          for (const f of files) await onsite.upload(f.path);
          const on = upstream('On-site PACS', onsite);
          const off = upstream('Off-site archive', archive);
          // Store-through off: every frame really comes from a node, none from the local store.
          store = await openTestArchive(dir);
          gateway = createGateway({ store, upstreams: [on, off], basePath: '/dicomweb', storeThrough: false });
          // Healthy: frames from the on-site PACS.
          const times: number[] = [];
          for (const f of files) {
            const t0 = performance.now();
            const r = await get(gateway, f);
            times.push(performance.now() - t0);
            if (r.status !== 200) throw new Error(`healthy frame: HTTP ${r.status}`);
          }
          if (off.count !== 0) throw new Error('the off-site archive was asked while the on-site PACS was healthy');
          // Page on (one frame after the other, as a reader scrolling) while the upstream is cut.
          let cutAt = Infinity;
          let servedAt: number | undefined;
          let failed = 0;
          const reader = (async () => {
            for (let i = 0; servedAt === undefined && i < 10000; i++) {
              const before = off.count;
              const r = await get(gateway!, files[i % files.length]!);
              const end = performance.now();
              if (r.status !== 200) {
                if (end > cutAt) failed++;
                continue;
              }
              if (end > cutAt && off.count > before) servedAt = end;
            }
          })();
          await new Promise((r) => setTimeout(r, 200));
          cutAt = performance.now();
          await onsite.stop();
          await reader;
          if (servedAt === undefined) throw new Error('no frame was served by the off-site archive after the cut');
          if (run >= 0) {
            failoverMs.push(servedAt - cutAt);
            healthyMs.push(median(times));
            failedDuring.push(failed);
          }
        } finally {
          await gateway?.close();
          await store?.close();
          await onsite.stop();
          await removeDir(dir);
        }
      }
    } finally {
      await Promise.allSettled(fetchers.map((f) => f.close()));
      await archive.stop();
    }
    ctx.record('failover.cutToNextFrameMs', 'ms', failoverMs, healthyMs, { better: 'lower', baselineIs: 'one frame, upstream healthy' });
    ctx.note(`${files.length} frames of ${ct.label} held by two Orthancs; gateway order on-site PACS → off-site archive, node timeout ${TIMEOUT_MS} ms, connect timeout ${CONNECT_TIMEOUT_MS} ms, store-through off. The cut is a SIGTERM to the on-site Orthanc while frames are being read one after another; the time runs from the signal to the end of the first frame the off-site archive served.`);
    ctx.note(`Frame requests that failed after the cut, per run: ${failedDuring.join(', ')} (the reader must see none).`);
    ctx.plot(
      barChart('Failover (median ms)', [
        { label: 'cut → next frame', value: median(failoverMs) },
        { label: 'healthy frame', value: median(healthyMs) },
      ], 'ms'),
    );
  },
};
