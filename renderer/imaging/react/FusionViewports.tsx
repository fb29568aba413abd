/**
 * Fusion of two series in three linked planes: the base volume, and over it the overlay volume in its own
 * viewport whose camera follows the base exactly. How the two mix is plain CSS on the overlay's element —
 * blend (opacity), colour (a colormap with opacity and lower threshold), checkerboard (a mask of tiles) and
 * swipe (a clip at a movable edge) — so every mode shows true pixels of each series with its own W/L.
 * A rigid transform (moving → fixed patient mm, e.g. from registration) places the overlay in the base's space;
 * changing it moves the overlay volume in place (LoadedVolume.place) and re-renders the overlay planes: no reload,
 * no new engine, every camera (zoom, pan, slice) kept.
 */
import { useEffect, useRef } from 'react';
import { Enums, RenderingEngine, setVolumesForViewports, type Types } from '@cornerstonejs/core';
import { Enums as ToolEnums, PanTool, StackScrollTool, WindowLevelTool, ZoomTool } from '@cornerstonejs/tools';
import type { LoadedVolume, VolumePlan } from '../volume/loadVolume';
import { volumeForRegistration, type RegistrationVolume } from '../volume/registrationVolume';
import { attachManualAdjust, type AdjustGesture } from './fusionAdjust';
import { useViewportLifecycle } from './useViewportLifecycle';

export type FusionMode = 'blend' | 'colour' | 'checkerboard' | 'swipe';
export const FUSION_COLORMAPS = [
  { id: 'Black-Body Radiation', name: 'Hot iron' },
  { id: 'Blue to Red Rainbow', name: 'Rainbow' },
  { id: 'Inverted-Grayscale', name: 'Inverted grey' },
] as const;

type Plane = 'axial' | 'sagittal' | 'coronal';
export type FusionPlane = Plane;
const PLANES: readonly Plane[] = ['axial', 'sagittal', 'coronal'];
const ORIENTATION = { axial: Enums.OrientationAxis.AXIAL, sagittal: Enums.OrientationAxis.SAGITTAL, coronal: Enums.OrientationAxis.CORONAL } as const;

export interface FusionSettings {
  mode: FusionMode;
  /** 0–1, the overlay's weight in blend and colour modes. */
  opacity: number;
  /** Checkerboard tile, CSS px. */
  tilePx: number;
  /** Swipe edge, fraction of the width from the left. */
  swipe: number;
  colormap: string;
  /** Colour mode: overlay values below this fraction of its window are transparent. */
  threshold: number;
}

export interface FusionViewportsProps {
  base: VolumePlan;
  overlay: VolumePlan;
  /** Moving (overlay) → fixed (base) patient mm, 4×4 row-major; identity when absent. */
  transform?: readonly (readonly number[])[];
  settings: FusionSettings;
  dataPlaneHeaders: Record<string, string>;
  label: string;
  onError?: (message: string) => void;
  /** Both volumes loaded: the registration can read their voxels. */
  onVolumes?: (volumes: { base: () => RegistrationVolume; overlay: () => RegistrationVolume; baseCentre: [number, number, number]; done: Promise<void> } | undefined) => void;
  /** The overlay's window in its stored (modality) units, e.g. a PET SUV window divided by the SUV factor; cornerstone's default when absent. */
  overlayVoi?: { lower: number; upper: number };
  /** Drawn over each plane (ROI layers); gets the plane's base element so it can map canvas ↔ patient mm. */
  cellOverlay?: (plane: FusionPlane) => React.ReactNode;
  /** Manual adjustment on any plane (Shift+drag, Ctrl+Shift+drag, arrows, [ ]): one call per gesture; absent: off. */
  onAdjust?: (gesture: AdjustGesture) => void;
}

/** The built views, for the effects that follow the props. */
interface FusionSession {
  engine: RenderingEngine;
  overIds: Record<Plane, string>;
  overVolume: LoadedVolume;
}

const { MouseBindings } = ToolEnums;

type FusionCamera = Pick<Types.ICamera, 'parallelScale' | 'focalPoint' | 'position' | 'viewPlaneNormal'>;
declare global {
  interface Window {
    /** Test hook: each fusion's cameras by label, e.g. to see that moving the overlay keeps the reader's place. */
    __dokueiFusionViews?: Record<string, { camera(layer: 'base' | 'overlay', plane: FusionPlane): FusionCamera; canvasToWorld(plane: FusionPlane, x: number, y: number): [number, number, number] }>;
  }
}

export function FusionViewports({ base, overlay, transform, settings, dataPlaneHeaders, label, onError, onVolumes, overlayVoi, cellOverlay, onAdjust }: FusionViewportsProps) {
  const baseRefs = useRef<Record<Plane, HTMLDivElement | null>>({ axial: null, sagittal: null, coronal: null });
  const overRefs = useRef<Record<Plane, HTMLDivElement | null>>({ axial: null, sagittal: null, coronal: null });
  const rootRef = useRef<HTMLDivElement | null>(null);
  // The transform the volumes are loaded with; later changes go through the effect below, not a rebuild.
  const transformRef = useRef(transform);
  transformRef.current = transform;
  const callbacks = useRef({ onVolumes });
  callbacks.current = { onVolumes };
  const adjustRef = useRef(onAdjust);
  adjustRef.current = onAdjust;

  const { status, session } = useViewportLifecycle<FusionSession>(
    {
      kind: 'fusion',
      dataPlaneHeaders,
      failure: 'Could not fuse the series',
      onError,
      // The cells change size with what is around them (a toolbar wrapping, a list below).
      resizeWith: rootRef,
      async setup(build) {
        const baseIds = Object.fromEntries(PLANES.map((p) => [p, `${build.id}-base-${p}`])) as Record<Plane, string>;
        const overIds = Object.fromEntries(PLANES.map((p) => [p, `${build.id}-over-${p}`])) as Record<Plane, string>;
        const baseVolume = await build.loadVolume(base);
        if (build.disposed) return;
        const overVolume = await build.loadVolume(overlay, 0.5, transformRef.current);
        if (build.disposed) return;
        const engine = build.createEngine(
          PLANES.flatMap((p) => [
            { viewportId: baseIds[p], type: Enums.ViewportType.ORTHOGRAPHIC, element: baseRefs.current[p]!, defaultOptions: { orientation: ORIENTATION[p], background: [0, 0, 0] as Types.Point3 } },
            { viewportId: overIds[p], type: Enums.ViewportType.ORTHOGRAPHIC, element: overRefs.current[p]!, defaultOptions: { orientation: ORIENTATION[p], background: [0, 0, 0] as Types.Point3 } },
          ]),
        );
        await setVolumesForViewports(engine, [{ volumeId: baseVolume.volumeId }], PLANES.map((p) => baseIds[p]));
        await setVolumesForViewports(engine, [{ volumeId: overVolume.volumeId }], PLANES.map((p) => overIds[p]));
        if (build.disposed) return;

        // The reader works on the base planes; each overlay plane copies its base plane's camera.
        build.toolGroup('tools', {
          viewports: PLANES.map((p) => baseIds[p]),
          tools: [
            { tool: WindowLevelTool, bindings: [{ mouseButton: MouseBindings.Secondary }] },
            { tool: PanTool, bindings: [{ mouseButton: MouseBindings.Auxiliary }] },
            { tool: ZoomTool, bindings: [{ mouseButton: MouseBindings.Primary, modifierKey: ToolEnums.KeyboardBindings.Ctrl }] },
            { tool: StackScrollTool, bindings: [{ mouseButton: MouseBindings.Wheel }, { mouseButton: MouseBindings.Primary }] },
          ],
        });
        for (const p of PLANES) {
          const b = engine.getViewport(baseIds[p]) as Types.IVolumeViewport;
          const o = engine.getViewport(overIds[p]) as Types.IVolumeViewport;
          const follow = () => {
            if (build.disposed) return;
            o.setCamera(b.getCamera());
            o.render();
          };
          const el = baseRefs.current[p]!;
          el.addEventListener(Enums.Events.CAMERA_MODIFIED, follow);
          build.onTeardown(() => el.removeEventListener(Enums.Events.CAMERA_MODIFIED, follow));
          follow();
          // Manual adjustment (fusionAdjust.ts): gestures on the cell, preview on the overlay layer, one report each.
          // Only where the parent takes them (not e.g. in PET/CT, whose arrows stay the viewer's).
          if (adjustRef.current) build.onTeardown(attachManualAdjust({ plane: p, cell: el.parentElement!, overlay: overRefs.current[p]!, camera: () => b.getCamera() }, (g) => adjustRef.current?.(g)));
        }
        engine.renderViewports([...PLANES.map((p) => baseIds[p]), ...PLANES.map((p) => overIds[p])]);
        const cameraOf = (id: string): FusionCamera => {
          const { parallelScale, focalPoint, position, viewPlaneNormal } = (engine.getViewport(id) as Types.IVolumeViewport).getCamera();
          return { parallelScale, focalPoint, position, viewPlaneNormal };
        };
        build.expose('__dokueiFusionViews', label, {
          camera: (layer, p) => cameraOf(layer === 'base' ? baseIds[p] : overIds[p]),
          canvasToWorld: (p, x, y) => (engine.getViewport(baseIds[p]) as Types.IVolumeViewport).canvasToWorld([x, y]) as [number, number, number],
        });
        build.ready({ engine, overIds, overVolume });
        const g = baseVolume.geometry();
        // Centre of the base volume in patient mm: where manual rotations turn about.
        const half = g.dimensions.map((d, a) => ((d - 1) / 2) * g.spacing[a]!);
        const baseCentre = [0, 1, 2].map((r) => g.origin[r]! + half[0]! * g.direction[r]! + half[1]! * g.direction[3 + r]! + half[2]! * g.direction[6 + r]!) as [number, number, number];
        const done = Promise.all([baseVolume.done, overVolume.done]).then(() => undefined);
        // The parent lets go of the volumes before they are disposed.
        build.onTeardown(() => callbacks.current.onVolumes?.(undefined));
        callbacks.current.onVolumes?.({ base: () => volumeForRegistration(baseVolume), overlay: () => volumeForRegistration(overVolume), baseCentre, done });
      },
    },
    [base, overlay, dataPlaneHeaders],
  );

  // A new transform moves the overlay where it is: from its acquired geometry (so steps never compound), then the
  // overlay planes render again with the cameras they have (each still copies its base plane's).
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready') return;
    s.overVolume.place(transform);
    s.engine.renderViewports(PLANES.map((p) => s.overIds[p]));
    // A drag's CSS preview (fusionAdjust.ts) goes once the overlay is drawn in its new place (cornerstone renders
    // on the next animation frame), or the move would show twice.
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        for (const p of PLANES) if (overRefs.current[p]) overRefs.current[p]!.style.transform = '';
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [transform, status]);

  // Colour mode: a colormap with a lower threshold on the overlay; grey otherwise.
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready') return;
    for (const p of PLANES) {
      const o = s.engine.getViewport(s.overIds[p]) as Types.IVolumeViewport;
      // The window first: the threshold is a fraction of it.
      if (overlayVoi) o.setProperties({ voiRange: overlayVoi });
      if (settings.mode === 'colour') {
        const range = o.getProperties()?.voiRange;
        const threshold = range ? range.lower + (range.upper - range.lower) * settings.threshold : undefined;
        o.setProperties({ colormap: { name: settings.colormap, opacity: 1, threshold } });
      } else {
        o.setProperties({ colormap: { name: 'Grayscale', opacity: 1, threshold: null } });
      }
      o.render();
    }
  }, [settings.mode, settings.colormap, settings.threshold, status, overlayVoi?.lower, overlayVoi?.upper]);

  const overlayStyle = (): React.CSSProperties => {
    switch (settings.mode) {
      case 'blend':
      case 'colour':
        return { opacity: settings.opacity };
      case 'checkerboard': {
        const t = Math.max(4, Math.round(settings.tilePx));
        const mask = `repeating-conic-gradient(#000 0% 25%, transparent 0% 50%) 0 0 / ${2 * t}px ${2 * t}px`;
        return { WebkitMask: mask, mask };
      }
      case 'swipe':
        return { clipPath: `inset(0 ${(1 - settings.swipe) * 100}% 0 0)` };
    }
  };

  return (
    <div ref={rootRef} className="fusion-grid" data-testid="fusion" data-state={status} data-mode={settings.mode}>
      {PLANES.map((p) => (
        <div key={p} className="fusion-cell" aria-label={`${label} ${p}`} onContextMenu={(e) => e.preventDefault()}>
          <div
            ref={(el) => {
              baseRefs.current[p] = el;
            }}
            className="fusion-layer"
            data-layer="base"
            data-plane={p}
            tabIndex={0}
          />
          <div
            ref={(el) => {
              overRefs.current[p] = el;
            }}
            className="fusion-layer fusion-overlay"
            data-layer="overlay"
            data-plane={p}
            style={overlayStyle()}
          />
          <span className="mpr-tag">{p[0]!.toUpperCase() + p.slice(1)}</span>
          {cellOverlay?.(p)}
        </div>
      ))}
    </div>
  );
}
