/**
 * The PET alone beside a PET/CT fusion: one axial plane in the usual inverted grey, and a rotating maximum
 * intensity projection (3D viewport, MIP blend) that turns about the patient's head–foot axis. Both use one
 * window in stored units (the caller turns its SUV window into stored values, so a corrected SUV factor moves the
 * window without touching a voxel). The axial plane can follow another viewport's camera (the fused axial plane):
 * it goes to that plane whenever the plane moves, and in between scrolls on its own (wheel, ↑/↓).
 */
import { useEffect, useRef } from 'react';
import { Enums, getEnabledElement, RenderingEngine, setVolumesForViewports, utilities, type Types } from '@cornerstonejs/core';
import { Enums as ToolEnums, StackScrollTool } from '@cornerstonejs/tools';
import type { VolumePlan } from '../volume/loadVolume';
import { setOpaqueTransferFunction, setVolume3dBlendMode } from '../volume/volume3dBlend';
import { useViewportLifecycle } from './useViewportLifecycle';
import { useTranslation } from '../../ui/i18n';

export interface PetMipViewportsProps {
  plan: VolumePlan;
  dataPlaneHeaders: Record<string, string>;
  /** Window in stored (modality) units. */
  voi: { lower: number; upper: number };
  /** The MIP turns while true. */
  playing: boolean;
  /** Degrees per frame of the MIP's turn. */
  stepDeg?: number;
  /** An element whose camera the PET axial plane follows (same patient position of the slice). */
  follow?: HTMLElement | null;
  onError?: (message: string) => void;
  /** Each MIP frame's angle (degrees, 0 = seen from the front). */
  onAngle?: (deg: number) => void;
}

/** The built views, for the effects that follow the props. */
interface PetSession {
  engine: RenderingEngine;
  axialId: string;
  mipId: string;
  volumeId: string;
  /** The MIP's camera at 0°. */
  start: Types.ICamera;
  axis: Vec3;
}

const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const FRAME_MS = 100;

type Vec3 = [number, number, number];

/** v turned by `rad` about the unit axis `k` (Rodrigues). */
function rotate(v: Vec3, k: Vec3, rad: number): Vec3 {
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  const dot = v[0] * k[0] + v[1] * k[1] + v[2] * k[2];
  const cross: Vec3 = [k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]];
  return [0, 1, 2].map((i) => v[i]! * c + cross[i]! * s + k[i]! * dot * (1 - c)) as Vec3;
}

export function PetMipViewports({ plan, dataPlaneHeaders, voi, playing, stepDeg = 6, follow, onError, onAngle }: PetMipViewportsProps) {
  const { t } = useTranslation();
  const axialRef = useRef<HTMLDivElement | null>(null);
  const mipRef = useRef<HTMLDivElement | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const angle = useRef(0);
  const callbacks = useRef({ onAngle });
  callbacks.current = { onAngle };

  const { status, session } = useViewportLifecycle<PetSession>(
    {
      kind: 'petmip',
      dataPlaneHeaders,
      failure: t('petct.mipFailure'),
      onError,
      // The cells change size with the layout around them (the MIP re-centres).
      resizeWith: rootRef,
      async setup(build) {
        const axialId = `${build.id}-axial`;
        const mipId = `${build.id}-mip`;
        const volume = await build.loadVolume(plan);
        if (build.disposed) return;
        const engine = build.createEngine([
          { viewportId: axialId, type: Enums.ViewportType.ORTHOGRAPHIC, element: axialRef.current!, defaultOptions: { orientation: Enums.OrientationAxis.AXIAL, background: [1, 1, 1] as Types.Point3 } },
          { viewportId: mipId, type: Enums.ViewportType.VOLUME_3D, element: mipRef.current!, defaultOptions: { orientation: Enums.OrientationAxis.CORONAL, background: [1, 1, 1] as Types.Point3 } },
        ]);
        await setVolumesForViewports(engine, [{ volumeId: volume.volumeId }], [axialId]);
        await setVolumesForViewports(engine, [{ volumeId: volume.volumeId }], [mipId]);
        if (build.disposed) return;
        // The PET plane scrolls on its own with the wheel (arrows: onKeyDown below).
        build.toolGroup('tools', { viewports: [axialId], tools: [{ tool: StackScrollTool, bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] }] });
        const mip = engine.getViewport(mipId) as Types.IVolumeViewport;
        // The blend mode on the mapper (VolumeViewport3D.setBlendMode does nothing), every value opaque.
        setVolume3dBlendMode(mip, Enums.BlendModes.MAXIMUM_INTENSITY_BLEND);
        setOpaqueTransferFunction(mip);
        mip.resetCamera();
        // The head–foot axis is the volume's slice normal (k) for an axial acquisition.
        const d = volume.geometry().direction;
        const axis: Vec3 = [d[6]!, d[7]!, d[8]!];
        build.ready({ engine, axialId, mipId, volumeId: volume.volumeId, start: mip.getCamera(), axis });
      },
    },
    [plan, dataPlaneHeaders],
  );

  // The window, inverted grey (the usual PET look: activity dark on white), on both viewports.
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready') return;
    for (const id of [s.axialId, s.mipId]) {
      const vp = s.engine.getViewport(id) as Types.IVolumeViewport;
      vp.setProperties({ colormap: { name: 'Inverted-Grayscale' }, voiRange: voi });
      vp.render();
    }
  }, [voi, status]);

  // The MIP's turn: the camera goes round the volume's centre about the head–foot axis.
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready' || !playing) return;
    const mip = s.engine.getViewport(s.mipId) as Types.IVolumeViewport;
    const timer = window.setInterval(() => {
      // The engine can be torn down (a rebuild) a tick before the status says so: never turn a destroyed viewport.
      if (session.current !== s) return;
      angle.current = (angle.current + stepDeg) % 360;
      const { focalPoint, position } = s.start as Required<Pick<Types.ICamera, 'focalPoint' | 'position'>>;
      const rad = (angle.current * Math.PI) / 180;
      const offset = rotate([position[0] - focalPoint[0], position[1] - focalPoint[1], position[2] - focalPoint[2]], s.axis, rad);
      mip.setCamera({
        focalPoint,
        position: [focalPoint[0] + offset[0], focalPoint[1] + offset[1], focalPoint[2] + offset[2]] as Types.Point3,
        viewUp: s.start.viewUp,
      });
      mip.render();
      callbacks.current.onAngle?.(angle.current);
    }, FRAME_MS);
    return () => window.clearInterval(timer);
  }, [playing, stepDeg, status]);

  // The PET plane goes to the slice the followed viewport shows whenever that slice moves; a pan or zoom there
  // keeps the slice the reader scrolled the PET to.
  useEffect(() => {
    const s = session.current;
    if (!s || status !== 'ready' || !follow) return;
    const axial = s.engine.getViewport(s.axialId) as Types.IVolumeViewport;
    let followed: { depth: number; normal: Vec3 } | undefined;
    const onCamera = (e: Event) => {
      const camera = (e as CustomEvent<{ camera: Types.ICamera }>).detail?.camera;
      if (!camera?.focalPoint || !camera.position || !camera.viewPlaneNormal || !session.current) return;
      const normal = [...camera.viewPlaneNormal] as Vec3;
      const depth = dot(camera.focalPoint, normal);
      const moved = !followed || Math.abs(depth - followed.depth) > 1e-3 || dot(normal, followed.normal) < 0.9999;
      followed = { depth, normal };
      // Same plane as before: keep the PET's own depth along the normal.
      const own = axial.getCamera().focalPoint;
      const shift = moved || !own ? 0 : dot(own, normal) - depth;
      const by = (p: Types.Point3) => [p[0] + normal[0] * shift, p[1] + normal[1] * shift, p[2] + normal[2] * shift] as Types.Point3;
      axial.setCamera({ focalPoint: by(camera.focalPoint), position: by(camera.position), viewPlaneNormal: camera.viewPlaneNormal, viewUp: camera.viewUp });
      axial.render();
    };
    follow.addEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
    // Start where the followed viewport is now (it may not move for a while).
    try {
      const camera = (getEnabledElement(follow as HTMLDivElement)?.viewport as Types.IVolumeViewport | undefined)?.getCamera();
      if (camera) onCamera(new CustomEvent('camera', { detail: { camera } }));
    } catch {
      // Not enabled yet: its first camera event will bring the plane.
    }
    return () => follow.removeEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
  }, [follow, status]);

  return (
    <div ref={rootRef} className="petmip" data-testid="pet-mip" data-state={status} style={{ display: 'grid', gridTemplateRows: '1fr 1fr', gap: 2, minHeight: 0, height: '100%', background: '#223' }}>
      <div className="fusion-cell" aria-label={t('petct.petAxial')}>
        <div
          ref={axialRef}
          className="fusion-layer"
          data-testid="pet-alone"
          tabIndex={0}
          title={t('petct.petAloneTitle')}
          onContextMenu={(e) => e.preventDefault()}
          onKeyDown={(e) => {
            const s = session.current;
            const delta = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
            if (!s || !delta) return;
            utilities.scroll(s.engine.getViewport(s.axialId), { delta, volumeId: s.volumeId });
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <span className="mpr-tag" style={{ color: '#000', textShadow: 'none' }}>
          {t('petct.petTag')}
        </span>
      </div>
      <div className="fusion-cell" aria-label={t('petct.petMip')}>
        <div ref={mipRef} className="fusion-layer" data-testid="pet-mip-view" onContextMenu={(e) => e.preventDefault()} />
        <span className="mpr-tag" style={{ color: '#000', textShadow: 'none' }}>
          {t('petct.mipTag')}
        </span>
      </div>
    </div>
  );
}
