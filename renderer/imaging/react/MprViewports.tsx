/**
 * MPR 1+3: axial, sagittal and coronal planes of one volume with crosshairs (drag the centre to move,
 * drag a line's handle to rotate: oblique), W/L synced across the planes, slab MIP / MinIP / average,
 * and a 3D view (VR presets, 3D MIP, crop box, fast quality while the camera moves).
 * The large cell shows the plane chosen by the reader; double-click a small one to make it large.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { CONSTANTS, Enums, RenderingEngine, setVolumesForViewports, utilities, type Types } from '@cornerstonejs/core';
import {
  CrosshairsTool,
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  synchronizers,
  TrackballRotateTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import vtkPlane from '@kitware/vtk.js/Common/DataModel/Plane';
import { MprWindowLevelTool } from '../volume/mprWindowLevelTool';
import type { LoadedVolume, LoadProgress, VolumePlan } from '../volume/loadVolume';
import { VR_PRESETS, type SlabMode } from '../volume/renderPresets';
import type { WindowLevel } from '../stack/presets';
import { setVolume3dBlendMode, volume3dBlendMode } from '../volume/volume3dBlend';
import type { ViewportProbe } from './StackViewport';
import { useViewportLifecycle } from './useViewportLifecycle';
import { useTranslation } from '../../ui/i18n';
import { volumeForRegistration, type RegistrationVolume } from '../volume/registrationVolume';

export type MprPlane = 'axial' | 'sagittal' | 'coronal' | '3d';
const PLANES: readonly MprPlane[] = ['axial', 'sagittal', 'coronal', '3d'];
const ORIENTATION = {
  axial: Enums.OrientationAxis.AXIAL,
  sagittal: Enums.OrientationAxis.SAGITTAL,
  coronal: Enums.OrientationAxis.CORONAL,
} as const;
/** The longest the rest of the volume waits for the first paint (software WebGL compiles the shaders then). */
const FIRST_PAINT_WAIT_MS = 15000;
const LINE_COLORS: Record<string, string> = { axial: 'rgb(255, 90, 90)', sagittal: 'rgb(240, 220, 60)', coronal: 'rgb(80, 200, 120)' };

export interface MprViewState {
  progress: LoadProgress;
  windowWidth: number;
  windowCenter: number;
  slab: { mode: SlabMode; thicknessMm: number };
  vrPreset: string;
  obliqueDeg: number;
}

export interface MprViewportsProps {
  plan: VolumePlan;
  /** The plan's notices (English sentences of the volume code) as the reader reads them; as they are when absent. */
  noticeText?: (notice: string) => string;
  dataPlaneHeaders: Record<string, string>;
  /** Prefix for aria labels and the test hook (`window.__dokueiViewports[`${label} axial`]`). */
  label: string;
  vrPreset?: string;
  /** The window the three planes open in (a hanging protocol's preset); the volume's default VOI otherwise. Initial value only. */
  initialWindow?: WindowLevel;
  onError?: (message: string) => void;
  onState?: (state: MprViewState) => void;
  /** Drawn inside each of the three planes' cells (over the image): layers of features (RT structures and dose). */
  planeOverlay?: (plane: Exclude<MprPlane, '3d'>) => ReactNode;
  /** Moves the three planes (each along its normal, no pan) through this patient point; a new object moves again. */
  centreOn?: { point: readonly [number, number, number] } | undefined;
  /**
   * The loaded volume for views computed on the CPU (Curved MPR): once the views are built, and undefined when they
   * are torn down. `volume()` copies the voxels: call it once, after `done`, and only when needed.
   */
  onVolume?: (source: MprVolumeSource | undefined) => void;
  /** Drawn at the end of the toolbar (a feature's own buttons: Curved MPR). */
  toolbarExtra?: ReactNode;
}

/** What onVolume hands over. */
export interface MprVolumeSource {
  /** Resolves when every slice is in (rejects with the first load error). */
  done: Promise<void>;
  loaded(): boolean;
  /** The voxels (modality values) and geometry as acquired, as common/registration's Volume. */
  volume(): RegistrationVolume;
}

interface MprProbe {
  /** The modality value (HU for CT) of the volume under a canvas point of this plane. */
  probeAt(x: number, y: number): { value: number; world: [number, number, number]; ijk: [number, number, number] } | undefined;
  voiRange(): { lower: number; upper: number } | undefined;
  canvasSize(): { width: number; height: number };
}

/** The built views, for the toolbar's effects. */
interface MprSession {
  engine: RenderingEngine;
  ids: Record<MprPlane, string>;
  volume: LoadedVolume;
}

const { MouseBindings } = ToolEnums;

export function MprViewports({ plan, noticeText, dataPlaneHeaders, label, vrPreset = 'CT-Bone', initialWindow, onError, onState, planeOverlay, centreOn, onVolume, toolbarExtra }: MprViewportsProps) {
  const { t } = useTranslation();
  const refs = useRef<Record<MprPlane, HTMLDivElement | null>>({ axial: null, sagittal: null, coronal: null, '3d': null });
  const [large, setLarge] = useState<MprPlane>('axial');
  const [progress, setProgress] = useState<LoadProgress>({ loaded: 0, total: plan.slots.length });
  const [slab, setSlab] = useState<{ mode: SlabMode; thicknessMm: number }>({ mode: 'none', thicknessMm: 10 });
  const [preset, setPreset] = useState(vrPreset);
  const [mip3d, setMip3d] = useState(false);
  const [crop, setCrop] = useState<[number, number, number, number, number, number]>([0, 1, 0, 1, 0, 1]);
  const [oblique, setOblique] = useState(0);
  const [voi, setVoi] = useState<{ ww: number; wc: number }>({ ww: 0, wc: 0 });
  const callbacks = useRef({ onState, onVolume });
  callbacks.current = { onState, onVolume };

  // Build the engine, the four viewports, the tools and the volume; all torn down on change.
  // vrPreset and initialWindow are only initial values; later changes go through `preset` and the W/L tools.
  const gridRef = useRef<HTMLDivElement>(null);
  const { status, session } = useViewportLifecycle<MprSession>(
    {
      kind: 'mpr',
      // A window resize or a layout change resizes the grid: the canvases follow (else the pictures stretch).
      resizeWith: gridRef,
      dataPlaneHeaders,
      failure: t('mpr.buildFailed'),
      onError,
      async setup(build) {
        // The rest of the slices are decoded after the axial view's first paint (loadVolume's restAfter): the
        // reader sees the centre slice as soon as the views can draw it; the series keeps streaming meanwhile.
        // Never later than FIRST_PAINT_WAIT_MS, should that paint not come.
        let painted: () => void = () => {};
        const firstPaint = new Promise<void>((resolve) => (painted = resolve));
        const paintTimer = setTimeout(painted, FIRST_PAINT_WAIT_MS);
        build.onTeardown(() => {
          clearTimeout(paintTimer);
          painted();
        });
        const volume = await build.loadVolume(plan, 0.5, undefined, firstPaint);
        if (build.disposed) return;
        volume.onProgress((p) => !build.disposed && setProgress(p));
        // The views are built once the slice shown first is in: building them (textures, the shaders' first
        // compile: seconds in software WebGL) holds the main thread, which the first slice's decode needs.
        await volume.firstImage;
        if (build.disposed) return;
        const ids = Object.fromEntries(PLANES.map((p) => [p, `${build.id}-${p}`])) as Record<MprPlane, string>;
        const engine = build.createEngine(
          PLANES.map((p) => ({
            viewportId: ids[p],
            type: p === '3d' ? Enums.ViewportType.VOLUME_3D : Enums.ViewportType.ORTHOGRAPHIC,
            element: refs.current[p]!,
            defaultOptions: { orientation: p === '3d' ? Enums.OrientationAxis.CORONAL : ORIENTATION[p], background: [0, 0, 0] as Types.Point3 },
          })),
        );
        await setVolumesForViewports(engine, [{ volumeId: volume.volumeId }], [ids.axial, ids.sagittal, ids.coronal]);
        await setVolumesForViewports(engine, [{ volumeId: volume.volumeId }], [ids['3d']]);
        if (build.disposed) return;
        const vr = engine.getViewport(ids['3d']) as Types.IVolumeViewport;
        vr.setProperties({ preset: vrPreset });
        vr.resetCamera();
        if (initialWindow) {
          const voiRange = utilities.windowLevel.toLowHighRange(initialWindow.windowWidth, initialWindow.windowCenter);
          for (const p of ['axial', 'sagittal', 'coronal'] as const) (engine.getViewport(ids[p]) as Types.IVolumeViewport).setProperties({ voiRange });
        }

        const mprGroup = build.toolGroup('mpr', {
          viewports: [ids.axial, ids.sagittal, ids.coronal],
          tools: [
            { tool: MprWindowLevelTool, bindings: [{ mouseButton: MouseBindings.Secondary }] },
            { tool: PanTool, bindings: [{ mouseButton: MouseBindings.Auxiliary }] },
            { tool: ZoomTool, bindings: [{ mouseButton: MouseBindings.Primary, modifierKey: ToolEnums.KeyboardBindings.Ctrl }] },
            { tool: StackScrollTool, bindings: [{ mouseButton: MouseBindings.Wheel }] },
            {
              tool: CrosshairsTool,
              configuration: {
                getReferenceLineColor: (viewportId: string) => LINE_COLORS[planeOf(ids, viewportId)] ?? 'white',
                getReferenceLineControllable: () => true,
                getReferenceLineDraggableRotatable: () => true,
                getReferenceLineSlabThicknessControlsOn: () => true,
              },
              // Crosshairs unbind their camera and volume listeners only when disabled: that before the group goes.
              disableAtTeardown: true,
            },
          ],
        });
        build.toolGroup('3d', {
          viewports: [ids['3d']],
          tools: [
            { tool: TrackballRotateTool, bindings: [{ mouseButton: MouseBindings.Primary }] },
            { tool: ZoomTool, bindings: [{ mouseButton: MouseBindings.Secondary }] },
            { tool: PanTool, bindings: [{ mouseButton: MouseBindings.Auxiliary }] },
          ],
        });

        const voiSync = build.synchronizer('voi', (id) => synchronizers.createVOISynchronizer(id, { syncInvertState: true, syncColormap: false }));
        for (const p of ['axial', 'sagittal', 'coronal'] as const) voiSync.add({ renderingEngineId: build.id, viewportId: ids[p] });

        // Fast while the camera moves, full quality once it rests (VR is the costly view).
        let restTimer: ReturnType<typeof setTimeout> | undefined;
        let coarse = false;
        const el3d = refs.current['3d']!;
        const onCamera = () => {
          if (build.disposed) return;
          if (!coarse) {
            coarse = true;
            vr.setSampleDistanceMultiplier(4);
          }
          clearTimeout(restTimer);
          restTimer = setTimeout(() => {
            if (build.disposed) return;
            coarse = false;
            vr.setSampleDistanceMultiplier(1);
            vr.render();
          }, 250);
        };
        el3d.addEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
        build.onTeardown(() => {
          clearTimeout(restTimer);
          el3d.removeEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
        });

        const axialEl = refs.current.axial!;
        const onVoi = () => {
          if (build.disposed) return;
          const range = (engine.getViewport(ids.axial) as Types.IVolumeViewport).getProperties()?.voiRange;
          if (!range) return;
          const { windowWidth, windowCenter } = utilities.windowLevel.toWindowLevel(range.lower, range.upper);
          setVoi({ ww: Math.round(windowWidth), wc: Math.round(windowCenter) });
        };
        axialEl.addEventListener(Enums.Events.VOI_MODIFIED, onVoi);
        axialEl.addEventListener(Enums.Events.IMAGE_RENDERED, onVoi);
        build.onTeardown(() => {
          axialEl.removeEventListener(Enums.Events.VOI_MODIFIED, onVoi);
          axialEl.removeEventListener(Enums.Events.IMAGE_RENDERED, onVoi);
        });

        for (const p of PLANES) {
          const viewport = engine.getViewport(ids[p]) as Types.IVolumeViewport;
          const probe: MprProbe = {
            probeAt(x, y) {
              const world = viewport.canvasToWorld([x, y]) as [number, number, number];
              const imageData = viewport.getImageData();
              if (!imageData) return undefined;
              const ijk = imageData.imageData.worldToIndex(world) as [number, number, number];
              const value = viewport.getIntensityFromWorld(world as Types.Point3);
              return { value, world, ijk: ijk.map((v) => Math.round(v)) as [number, number, number] };
            },
            voiRange: () => viewport.getProperties()?.voiRange,
            canvasSize: () => ({ width: viewport.canvas.clientWidth, height: viewport.canvas.clientHeight }),
          };
          // The planes' probes share the stack viewports' registry (one place for tests to look), with their own shape.
          build.expose('__dokueiViewports', `${label} ${p}`, probe as unknown as ViewportProbe);
        }
        // The 3D view renders when the volume is whole (loadVolume renders it then; here if that already
        // happened): while it streams in, seconds of software-WebGL 3D frames would hold the loading back.
        refs.current.axial!.addEventListener(Enums.Events.IMAGE_RENDERED, () => painted(), { once: true });
        engine.renderViewports(PLANES.filter((p) => p !== '3d' || volume.loaded()).map((p) => ids[p]));
        // Crosshairs place their centre from the rendered cameras: activate them after the first render.
        mprGroup.setToolActive(CrosshairsTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
        build.expose('__dokueiMpr', label, {
          rotateOblique: (deg: number) => rotateOblique(engine, ids, deg),
          slabThicknessMm: () => (engine.getViewport(ids.axial) as Types.IVolumeViewport).getSlabThickness(),
          viewPlaneNormal: (p: MprPlane) => [...((engine.getViewport(ids[p]) as Types.IVolumeViewport).getCamera().viewPlaneNormal ?? [0, 0, 0])] as [number, number, number],
          turn3d: (deg: number) => turnCamera(vr, deg),
          blendMode3d: () => volume3dBlendMode(vr),
        });
        build.ready({ engine, ids, volume });
        callbacks.current.onVolume?.({ done: volume.done, loaded: () => volume.loaded(), volume: () => volumeForRegistration(volume) });
        build.onTeardown(() => callbacks.current.onVolume?.(undefined));
        await volume.done;
      },
    },
    [plan, dataPlaneHeaders, label],
  );

  // Resize the canvases when the large cell changes.
  useEffect(() => {
    session.current?.engine.resize(true, true);
  }, [large]);

  // Slab mode and thickness on the three planes.
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready') return;
    const blend =
      slab.mode === 'mip'
        ? Enums.BlendModes.MAXIMUM_INTENSITY_BLEND
        : slab.mode === 'minip'
          ? Enums.BlendModes.MINIMUM_INTENSITY_BLEND
          : slab.mode === 'avg'
            ? Enums.BlendModes.AVERAGE_INTENSITY_BLEND
            : Enums.BlendModes.COMPOSITE;
    for (const p of ['axial', 'sagittal', 'coronal'] as const) {
      const vp = s.engine.getViewport(s.ids[p]) as Types.IVolumeViewport;
      vp.setBlendMode(blend);
      vp.setSlabThickness(slab.mode === 'none' ? 0.1 : slab.thicknessMm);
      vp.render();
    }
  }, [slab, status]);

  // VR preset, 3D MIP and the crop box.
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready') return;
    const vr = s.engine.getViewport(s.ids['3d']) as Types.IVolumeViewport;
    // On the mapper: VolumeViewport3D.setBlendMode does nothing in cornerstone 5.14.
    if (mip3d) {
      setVolume3dBlendMode(vr, Enums.BlendModes.MAXIMUM_INTENSITY_BLEND);
      vr.setProperties({ preset: 'CT-MIP' });
    } else {
      setVolume3dBlendMode(vr, Enums.BlendModes.COMPOSITE);
      vr.setProperties({ preset });
    }
    applyCrop(vr, crop);
    vr.render();
  }, [preset, mip3d, crop, status]);

  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready') return;
    rotateOblique(s.engine, s.ids, oblique);
  }, [oblique, status]);

  useEffect(() => {
    callbacks.current.onState?.({ progress, windowWidth: voi.ww, windowCenter: voi.wc, slab, vrPreset: mip3d ? '3D MIP' : preset, obliqueDeg: oblique });
  }, [progress, voi, slab, preset, mip3d, oblique]);

  // "Go to" a point (a structure's centre): each plane slides along its own normal to pass through it.
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready' || !centreOn) return;
    const [px, py, pz] = centreOn.point;
    for (const p of PLANES) {
      if (p === '3d') continue;
      const vp = s.engine.getViewport(s.ids[p]) as Types.IVolumeViewport;
      const { focalPoint: f, position: o, viewPlaneNormal: n } = vp.getCamera();
      if (!f || !o || !n) continue;
      const d = (px - f[0]) * n[0] + (py - f[1]) * n[1] + (pz - f[2]) * n[2];
      vp.setCamera({ focalPoint: [f[0] + n[0] * d, f[1] + n[1] * d, f[2] + n[2] * d], position: [o[0] + n[0] * d, o[1] + n[1] * d, o[2] + n[2] * d] });
      vp.render();
    }
  }, [centreOn, status]);

  const small = PLANES.filter((p) => p !== large);
  const cell = (p: MprPlane, big: boolean) => (
    <div
      key={p}
      ref={(el) => {
        refs.current[p] = el;
      }}
      className={`viewport mpr-cell ${big ? 'mpr-large' : 'mpr-small'}`}
      tabIndex={0}
      role="img"
      aria-label={`${label} ${p}`}
      data-plane={p}
      data-state={status}
      onDoubleClick={() => setLarge(p)}
      onContextMenu={(e) => e.preventDefault()}
    >
      <span className="mpr-tag" style={{ color: LINE_COLORS[p] ?? '#9cf' }}>
        {p === '3d' ? (mip3d ? t('mpr.tag3dMip') : t('mpr.tag3d', { preset })) : t(`mpr.plane.${p}`)}
      </span>
      {p !== '3d' && planeOverlay ? planeOverlay(p) : null}
    </div>
  );

  return (
    <div className="mpr" data-testid="mpr-layout" data-state={status}>
      <div className="mpr-toolbar" role="toolbar" aria-label={t('mpr.toolbar')}>
        <label>
          {t('mpr.slab')}{' '}
          <select aria-label={t('mpr.slabMode')} value={slab.mode} onChange={(e) => setSlab((s) => ({ ...s, mode: e.target.value as SlabMode }))}>
            <option value="none">{t('mpr.slabModes.none')}</option>
            <option value="mip">{t('mpr.slabModes.mip')}</option>
            <option value="minip">{t('mpr.slabModes.minip')}</option>
            <option value="avg">{t('mpr.slabModes.avg')}</option>
          </select>
        </label>
        <label>
          <input
            aria-label={t('mpr.slabThickness')}
            type="number"
            min={1}
            max={200}
            step={1}
            value={slab.thicknessMm}
            onChange={(e) => setSlab((s) => ({ ...s, thicknessMm: Math.max(1, Number(e.target.value) || 1) }))}
          />
          {' mm'}
        </label>
        <label>
          {t('mpr.oblique')}{' '}
          <input aria-label={t('mpr.obliqueAngle')} type="number" min={-90} max={90} step={1} value={oblique} onChange={(e) => setOblique(Number(e.target.value) || 0)} />°
        </label>
        <label>
          {t('mpr.vr')}{' '}
          <select aria-label={t('mpr.vrPreset')} value={preset} onChange={(e) => setPreset(e.target.value)} disabled={mip3d}>
            {VR_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={mip3d} onChange={(e) => setMip3d(e.target.checked)} /> {t('mpr.mip3d')}
        </label>
        <details className="crop">
          <summary>{t('mpr.crop')}</summary>
          {(['x', 'y', 'z'] as const).map((axis, a) => (
            <div key={axis} className="crop-row">
              {axis}
              {[0, 1].map((end) => (
                <input
                  key={end}
                  type="range"
                  min={0}
                  max={100}
                  aria-label={t(end === 0 ? 'mpr.cropFrom' : 'mpr.cropTo', { axis })}
                  value={Math.round(crop[a * 2 + end]! * 100)}
                  onChange={(e) => {
                    const v = Number(e.target.value) / 100;
                    setCrop((c) => {
                      const next = [...c] as typeof c;
                      next[a * 2 + end] = end === 0 ? Math.min(v, c[a * 2 + 1]! - 0.01) : Math.max(v, c[a * 2]! + 0.01);
                      return next;
                    });
                  }}
                />
              ))}
            </div>
          ))}
          <button type="button" onClick={() => setCrop([0, 1, 0, 1, 0, 1])}>
            {t('mpr.resetCrop')}
          </button>
        </details>
        <span className="mpr-progress" data-testid="volume-progress" aria-live="polite">
          {progress.loaded < progress.total ? t('mpr.loading', { loaded: progress.loaded, total: progress.total }) : t('mpr.slices', { n: progress.total })}
        </span>
        <span data-testid="mpr-voi">{voi.ww ? t('mpr.voi', { ww: voi.ww, wc: voi.wc }) : ''}</span>
        {plan.estimate ? (
          <span className="mpr-estimate" data-testid="volume-estimate" title={t('mpr.estimateTitle')}>
            {t('mpr.estimate', { cpu: formatMb(plan.estimate.cpuBytes), gpu: formatMb(plan.estimate.gpuBytes), textureFormat: plan.estimate.textureFormat })}
          </span>
        ) : null}
        {toolbarExtra}
      </div>
      {plan.notices.length ? (
        <div className="volume-notices" role="status" data-testid="volume-notices">
          {plan.notices.map((n) => (
            <div key={n}>⚠ {noticeText ? noticeText(n) : n}</div>
          ))}
        </div>
      ) : null}
      <div className="mpr-grid" ref={gridRef}>
        {cell(large, true)}
        <div className="mpr-side">{small.map((p) => cell(p, false))}</div>
      </div>
    </div>
  );
}

function formatMb(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

function planeOf(ids: Record<MprPlane, string>, viewportId: string): MprPlane {
  return (Object.keys(ids) as MprPlane[]).find((p) => ids[p] === viewportId) ?? 'axial';
}

/**
 * Oblique reading without dragging: turns the sagittal and coronal planes by `deg` about the axial
 * plane's normal through the crosshair centre, as dragging a crosshair line on the axial view does.
 */
function rotateOblique(engine: RenderingEngine, ids: Record<MprPlane, string>, deg: number): void {
  const axial = engine.getViewport(ids.axial) as Types.IVolumeViewport;
  const axis = axial.getCamera().viewPlaneNormal as Types.Point3;
  const rad = (deg * Math.PI) / 180;
  for (const p of ['sagittal', 'coronal'] as const) {
    const vp = engine.getViewport(ids[p]) as Types.IVolumeViewport;
    const base = (p === 'sagittal' ? CONSTANTS.MPR_CAMERA_VALUES.sagittal : CONSTANTS.MPR_CAMERA_VALUES.coronal) as { viewPlaneNormal: Types.Point3; viewUp: Types.Point3 };
    const cam = vp.getCamera();
    const focal = cam.focalPoint as Types.Point3;
    const distance = Math.hypot(...(cam.position as number[]).map((v, i) => v - focal[i]!));
    const normal = rotateAbout(base.viewPlaneNormal, axis, rad);
    const viewUp = rotateAbout(base.viewUp, axis, rad);
    vp.setCamera({
      viewPlaneNormal: normal,
      viewUp,
      focalPoint: focal,
      position: [focal[0] + normal[0] * distance, focal[1] + normal[1] * distance, focal[2] + normal[2] * distance] as Types.Point3,
    });
    vp.render();
  }
}

/** Turns the 3D view's camera by `deg` about its view-up axis through the focal point (seen from the other side at 180°). */
function turnCamera(vr: Types.IVolumeViewport, deg: number): void {
  const { focalPoint, position, viewUp } = vr.getCamera() as Required<Pick<Types.ICamera, 'focalPoint' | 'position' | 'viewUp'>>;
  const offset = rotateAbout([position[0] - focalPoint[0], position[1] - focalPoint[1], position[2] - focalPoint[2]], viewUp, (deg * Math.PI) / 180);
  vr.setCamera({ focalPoint, viewUp, position: [focalPoint[0] + offset[0], focalPoint[1] + offset[1], focalPoint[2] + offset[2]] as Types.Point3 });
  vr.render();
}

/** Rodrigues' rotation of v about the unit axis k by angle a. */
function rotateAbout(v: Types.Point3, k: Types.Point3, a: number): Types.Point3 {
  const [kx, ky, kz] = k;
  const [vx, vy, vz] = v;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const dot = kx * vx + ky * vy + kz * vz;
  return [
    vx * c + (ky * vz - kz * vy) * s + kx * dot * (1 - c),
    vy * c + (kz * vx - kx * vz) * s + ky * dot * (1 - c),
    vz * c + (kx * vy - ky * vx) * s + kz * dot * (1 - c),
  ];
}

/** The crop box as six clipping planes on the 3D view's mapper, in fractions of the volume's bounds. */
function applyCrop(vr: Types.IVolumeViewport, crop: readonly number[]): void {
  const actor = vr.getDefaultActor()?.actor as unknown as { getMapper(): { removeAllClippingPlanes(): void; addClippingPlane(p: unknown): void } } | undefined;
  const mapper = actor?.getMapper();
  const bounds = vr.getBounds();
  if (!mapper || !bounds) return;
  mapper.removeAllClippingPlanes();
  if (crop.every((v, i) => v === (i % 2 === 0 ? 0 : 1))) return;
  for (let a = 0; a < 3; a++) {
    const lo = bounds[a * 2]!;
    const hi = bounds[a * 2 + 1]!;
    const from = lo + (hi - lo) * crop[a * 2]!;
    const to = lo + (hi - lo) * crop[a * 2 + 1]!;
    const n: [number, number, number] = [0, 0, 0];
    n[a] = 1;
    const originFrom: [number, number, number] = [0, 0, 0];
    originFrom[a] = from;
    mapper.addClippingPlane(vtkPlane.newInstance({ origin: originFrom, normal: [...n] }));
    const originTo: [number, number, number] = [0, 0, 0];
    originTo[a] = to;
    mapper.addClippingPlane(vtkPlane.newInstance({ origin: originTo, normal: [-n[0], -n[1], -n[2]] }));
  }
}

declare global {
  interface Window {
    __dokueiMpr?: Record<
      string,
      {
        rotateOblique(deg: number): void;
        slabThicknessMm(): number;
        viewPlaneNormal(plane: MprPlane): [number, number, number];
        /** Turns the 3D camera about its view-up axis. */
        turn3d(deg: number): void;
        /** The blend mode the 3D view's mapper renders with (cornerstone's BlendModes). */
        blendMode3d(): number | undefined;
      }
    >;
  }
}
