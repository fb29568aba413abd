/**
 * Memory: bytes per voxel of the loaded CT volume, Dokuei vs stock cornerstone3D defaults (baseline page),
 * on the same volume: the cached pixel data on the CPU, the page's JS heap + array buffer backing stores
 * (Chrome DevTools Protocol, after a forced GC), and the 3D texture estimate (voxels × bytes per texel).
 */
import type { Page } from 'playwright-core';
import { barChart } from '../lib/plots';
import type { Suite } from '../lib/types';
import { loadedViewers } from '../lib/viewers';

async function heapBytes(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
    return u.usedSize + (u.backingStorageSize ?? 0);
  } finally {
    await cdp.detach();
  }
}

export const memorySuite: Suite = {
  name: 'memory',
  title: 'Memory: bytes per voxel (CPU cache, JS heap + array buffers, GPU texture), Dokuei vs stock cornerstone3D',
  async run(ctx) {
    const v = await loadedViewers(ctx);
    const b = v.baseline.load;
    const d = v.dokuei.load.report;
    const voxels = d.voxels;
    if (b.voxels !== voxels) ctx.note(`⚠ the two volumes differ: baseline ${b.dimensions.join('×')}, Dokuei ${d.dimensions.join('×')}`);
    const heapD: number[] = [];
    const heapB: number[] = [];
    for (let i = 0; i < 3; i++) {
      heapD.push((await heapBytes(v.dokuei.page)) / voxels);
      heapB.push((await heapBytes(v.baseline.page)) / b.voxels);
    }
    ctx.record('memory.cpuCacheBytesPerVoxel', 'B/voxel', [d.cpuBytes / voxels], [b.cacheBytes / b.voxels], { better: 'lower', baselineIs: 'stock: cache.getCacheSize() / voxels' });
    ctx.record('memory.jsHeapBytesPerVoxel', 'B/voxel', heapD, heapB, { better: 'lower', baselineIs: 'stock page, same measure' });
    ctx.record('memory.gpuTextureBytesPerVoxel', 'B/voxel', [d.gpuTextureBytes / voxels], [b.textureBytesPerVoxel], { better: 'lower', baselineIs: `stock default texture (${b.textureFormat})` });
    ctx.note(`Volume ${d.dimensions.join('×')} (${(voxels / 1e6).toFixed(1)} M voxels). Dokuei: ${d.cpuDataType} on the CPU, texture ${d.textureFormat} (window.__dokueiVolumes). Stock cornerstone3D: ${b.dataType} cached, texture ${b.textureFormat} (EXT_texture_norm16 ${ctx.machine.webglRenderer && /SwiftShader/.test(String(ctx.machine.webglRenderer)) ? 'absent on SwiftShader' : 'as the GPU offers'}, default settings).`);
    ctx.note('jsHeap = CDP Runtime.getHeapUsage usedSize + backingStorageSize (ArrayBuffers) after HeapProfiler.collectGarbage, for the whole page (the app itself included), 3 samples. The GPU figure is an estimate: voxels × bytes per texel of the format.');
    if (d.notices.length) ctx.note(`Dokuei notices: ${d.notices.join(' ')}`);
    ctx.plot(
      barChart(
        'Bytes per voxel',
        [
          { label: 'CPU cache, Dokuei', value: d.cpuBytes / voxels },
          { label: 'CPU cache, stock', value: b.cacheBytes / b.voxels },
          { label: 'JS heap+buffers, Dokuei', value: heapD[0]! },
          { label: 'JS heap+buffers, stock', value: heapB[0]! },
          { label: 'GPU texture, Dokuei', value: d.gpuTextureBytes / voxels },
          { label: 'GPU texture, stock', value: b.textureBytesPerVoxel },
        ],
        'B',
      ),
    );
  },
};
