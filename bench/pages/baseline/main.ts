/**
 * Stock cornerstone3D, default settings, as its examples use it: series metadata from DICOMweb into the
 * WADO-RS metadata manager, a streaming volume, one axial ORTHOGRAPHIC viewport. Reads from the same origin
 * (`/dicom-web`, a plain pass-through proxy to Orthanc). Results go to `window.__bench` for bench/.
 *
 * URL: ?study=UID&series=UID&w=PX&h=PX
 */
import { cache, Enums, eventTarget, getConfiguration, init, RenderingEngine, setVolumesForViewports, utilities, volumeLoader, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';

type Kind = 'stack' | 'mpr1' | 'mpr3' | 'vr';

interface BenchState {
  phase: 'init' | 'loading' | 'loaded' | 'error';
  error?: string;
  t0: number;
  metadataMs?: number;
  firstImageMs?: number;
  fullVolumeMs?: number;
  /** [ms since t0, slices loaded] */
  curve: [number, number][];
  slices: number;
  voxels: number;
  dimensions: number[];
  cacheBytes: number;
  dataType: string;
  textureBytesPerVoxel: number;
  textureFormat: string;
  webglRenderer: string;
  norm16: boolean;
  render(kind: Kind, frames: number, sizes: { w: number; h: number }[]): Promise<number[]>;
}

const q = new URLSearchParams(location.search);
const base = `${location.origin}/dicom-web`;
const study = q.get('study')!;
const series = q.get('series')!;
const W = Number(q.get('w') ?? 400);
const H = Number(q.get('h') ?? 400);

const B: BenchState = {
  phase: 'init',
  t0: 0,
  curve: [],
  slices: 0,
  voxels: 0,
  dimensions: [],
  cacheBytes: 0,
  dataType: '',
  textureBytesPerVoxel: 0,
  textureFormat: '',
  webglRenderer: '',
  norm16: false,
  render: () => Promise.reject(new Error('not loaded')),
};
(window as unknown as { __bench: BenchState }).__bench = B;

function glInfo(): { renderer: string; norm16: boolean } {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return { renderer: 'no WebGL2', norm16: false };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return { renderer: String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)), norm16: !!gl.getExtension('EXT_texture_norm16') };
}

function addViewportElement(id: string, w: number, h: number, x: number): HTMLDivElement {
  const el = document.createElement('div');
  el.id = id;
  el.className = 'vp';
  el.style.width = `${w}px`;
  el.style.height = `${h}px`;
  el.style.left = `${x}px`;
  document.getElementById('viewports')!.appendChild(el);
  return el;
}

/** Resolves when each element has fired IMAGE_RENDERED, then reads one pixel of each canvas (waits for the GPU). */
function renderedAll(elements: HTMLElement[]): Promise<void> {
  return new Promise((resolve) => {
    let left = elements.length;
    for (const el of elements) {
      const on = () => {
        el.removeEventListener(Enums.Events.IMAGE_RENDERED, on);
        const canvas = el.querySelector('canvas')!;
        canvas.getContext('2d')?.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1);
        if (--left === 0) resolve();
      };
      el.addEventListener(Enums.Events.IMAGE_RENDERED, on);
    }
  });
}

async function main(): Promise<void> {
  const gi = glInfo();
  B.webglRenderer = gi.renderer;
  B.norm16 = gi.norm16;
  await init();
  dicomImageLoader.init();
  B.phase = 'loading';
  B.t0 = performance.now();
  const res = await fetch(`${base}/studies/${study}/series/${series}/metadata`, { headers: { Accept: 'application/dicom+json' } });
  const metadata = (await res.json()) as Record<string, { Value?: unknown[] }>[];
  B.metadataMs = performance.now() - B.t0;
  const imageIds = metadata.map((instance) => {
    const sop = (instance['00080018']!.Value as string[])[0];
    const imageId = `wadors:${base}/studies/${study}/series/${series}/instances/${sop}/frames/1`;
    dicomImageLoader.wadors.metaDataManager.add(imageId, instance as never);
    return imageId;
  });
  B.slices = imageIds.length;

  const volumeId = 'cornerstoneStreamingImageVolume:baseline';
  const volume = (await volumeLoader.createAndCacheVolume(volumeId, { imageIds })) as Types.IStreamingImageVolume;
  B.dimensions = [...volume.dimensions];
  B.voxels = volume.dimensions[0] * volume.dimensions[1] * volume.dimensions[2];
  const engine = new RenderingEngine('baseline');
  const el = addViewportElement('axial', W, H, 0);
  engine.setViewports([{ viewportId: 'axial', type: Enums.ViewportType.ORTHOGRAPHIC, element: el, defaultOptions: { orientation: Enums.OrientationAxis.AXIAL } }]);
  const viewport = engine.getViewport('axial') as Types.IVolumeViewport;

  const shown: { id?: string } = {};
  const loadedIds = new Set<string>();
  const onLoaded = (e: Event) => {
    const id = (e as CustomEvent<{ image?: { imageId?: string } }>).detail?.image?.imageId;
    if (!id) return;
    if (loadedIds.has(id)) return;
    loadedIds.add(id);
    B.curve.push([performance.now() - B.t0, loadedIds.size]);
    if (B.firstImageMs === undefined && shown.id && loadedIds.has(shown.id)) B.firstImageMs = performance.now() - B.t0;
  };
  eventTarget.addEventListener(Enums.Events.IMAGE_LOADED, onLoaded);
  const done = new Promise<void>((resolve) => {
    // The JS load() takes a per-frame status callback that its typings leave out.
    (volume as unknown as { load(cb: (evt: unknown) => void): void }).load((evt: unknown) => {
      const { framesProcessed, totalNumFrames } = evt as { framesProcessed: number; totalNumFrames: number };
      if (framesProcessed >= totalNumFrames) resolve();
    });
  });
  await setVolumesForViewports(engine, [{ volumeId }], ['axial']);
  viewport.render();
  shown.id = viewport.getCurrentImageId();
  if (shown.id && loadedIds.has(shown.id)) B.firstImageMs ??= performance.now() - B.t0;
  await done;
  B.fullVolumeMs = performance.now() - B.t0;
  B.firstImageMs ??= B.fullVolumeMs;
  eventTarget.removeEventListener(Enums.Events.IMAGE_LOADED, onLoaded);

  B.cacheBytes = cache.getCacheSize();
  const first = cache.getImage(imageIds[0]!) as Types.IImage | undefined;
  B.dataType = first ? (first.voxelManager?.getScalarData?.() ?? first.getPixelData()).constructor.name : String(volume.dataType ?? '');
  const cfg = getConfiguration();
  // Which 3D texture cornerstone makes for this volume: uint8 stays 1 B; 16-bit data is R16 (norm16) only
  // when the extension is there and asked for, the native type with preferSizeOverAccuracy, else float (R32F).
  const is8 = /Uint8|Int8/.test(B.dataType);
  const norm16 = gi.norm16 && !!(cfg.rendering as { useNorm16Texture?: boolean }).useNorm16Texture;
  B.textureBytesPerVoxel = is8 ? 1 : norm16 || cfg.rendering?.preferSizeOverAccuracy ? 2 : 4;
  B.textureFormat = is8 ? 'uint8' : norm16 ? 'norm16' : cfg.rendering?.preferSizeOverAccuracy ? 'native 16-bit' : 'float32';
  engine.destroy();
  document.getElementById('viewports')!.innerHTML = '';

  B.render = async (kind, frames, sizes) => {
    const ids = kind === 'mpr3' ? ['axial', 'sagittal', 'coronal'] : ['v0'];
    const orient = [Enums.OrientationAxis.AXIAL, Enums.OrientationAxis.SAGITTAL, Enums.OrientationAxis.CORONAL];
    let x = 0;
    const els = ids.map((id, i) => {
      const s = sizes[i] ?? sizes[0]!;
      const e = addViewportElement(id, s.w, s.h, x);
      x += s.w + 4;
      return e;
    });
    const eng = new RenderingEngine(`render-${kind}`);
    try {
      eng.setViewports(
        ids.map((id, i) => ({
          viewportId: id,
          element: els[i]!,
          type: kind === 'stack' ? Enums.ViewportType.STACK : kind === 'vr' ? Enums.ViewportType.VOLUME_3D : Enums.ViewportType.ORTHOGRAPHIC,
          defaultOptions: kind === 'stack' ? {} : { orientation: kind === 'vr' ? Enums.OrientationAxis.CORONAL : orient[i]! },
        })),
      );
      const vps = ids.map((id) => eng.getViewport(id));
      if (kind === 'stack') {
        await (vps[0] as Types.IStackViewport).setStack(volume.imageIds, Math.floor(volume.imageIds.length / 2));
      } else {
        await setVolumesForViewports(eng, [{ volumeId }], ids);
        if (kind === 'vr') (vps[0] as Types.IVolumeViewport).setProperties({ preset: 'CT-Bone' });
      }
      // Warm: two renders before timing (the first ORTHOGRAPHIC frame can be an empty texture).
      for (let i = 0; i < 2; i++) {
        const r = renderedAll(els);
        eng.render();
        await r;
      }
      const times: number[] = [];
      for (let i = 0; i < frames; i++) {
        const r = renderedAll(kind === 'mpr3' ? els : [els[0]!]);
        const t0 = performance.now();
        if (kind === 'stack') await (vps[0] as Types.IStackViewport).scroll(i % 20 < 10 ? 1 : -1);
        else if (kind === 'mpr1') utilities.scroll(vps[0]!, { delta: i % 20 < 10 ? 1 : -1 });
        else if (kind === 'mpr3') {
          for (const vp of vps) (vp as Types.IVolumeViewport).setProperties({ voiRange: { lower: -1000 + (i % 10) * 20, upper: 400 + (i % 10) * 20 } });
          eng.renderViewports(ids);
        } else {
          const cam = vps[0]!.getCamera();
          (vps[0] as Types.IVolumeViewport).setCamera(cam);
          vps[0]!.getRenderer().getActiveCamera().azimuth(5);
          vps[0]!.render();
        }
        if (kind === 'stack' || kind === 'mpr1') vps[0]!.render();
        await r;
        times.push(performance.now() - t0);
      }
      return times;
    } finally {
      eng.destroy();
      document.getElementById('viewports')!.innerHTML = '';
    }
  };
  B.phase = 'loaded';
}

main().catch((err: unknown) => {
  B.phase = 'error';
  B.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
});
