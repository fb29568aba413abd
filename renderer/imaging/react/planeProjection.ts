/**
 * Canvas ↔ patient mm for a plane that cornerstone shows, for layers drawn over it outside renderer/imaging (the
 * PET/CT ROI layer): the plane's camera, the two mappings, and a subscription to its camera changes.
 */
import { Enums, getEnabledElement, type Types } from '@cornerstonejs/core';
import type { PlaneSampling } from '../../../common/rt/isodose';

type Vec3 = [number, number, number];

export interface PlaneProjection {
  /** What the plane shows: focal point, normal and up (patient mm / unit vectors). */
  camera(): { focalPoint: Vec3; viewPlaneNormal: Vec3; viewUp: Vec3 } | undefined;
  /** CSS px on the element's canvas. */
  worldToCanvas(point: readonly [number, number, number]): [number, number];
  canvasToWorld(point: readonly [number, number]): Vec3;
}

/** The projection of a cornerstone-enabled element, or undefined while it is not (yet) enabled. */
export function planeProjectionOf(element: HTMLElement | null | undefined): PlaneProjection | undefined {
  if (!element) return undefined;
  let vp: Types.IVolumeViewport | undefined;
  try {
    vp = getEnabledElement(element as HTMLDivElement)?.viewport as Types.IVolumeViewport | undefined;
  } catch {
    return undefined;
  }
  if (!vp) return undefined;
  const viewport = vp;
  return {
    camera: () => {
      const c = viewport.getCamera();
      if (!c.focalPoint || !c.viewPlaneNormal || !c.viewUp) return undefined;
      return { focalPoint: [...c.focalPoint] as Vec3, viewPlaneNormal: [...c.viewPlaneNormal] as Vec3, viewUp: [...c.viewUp] as Vec3 };
    },
    worldToCanvas: (p) => {
      const [x, y] = viewport.worldToCanvas([p[0], p[1], p[2]] as Types.Point3);
      return [x, y];
    },
    canvasToWorld: (p) => [...viewport.canvasToWorld([p[0], p[1]] as Types.Point2)] as Vec3,
  };
}

/**
 * The cornerstone element a layer placed in `host` draws over: a fusion cell's base layer, the host itself when it is
 * a viewport (an MPR plane's cell), or the viewport inside it (a stack cell's canvas area).
 */
export function viewportElementIn(host: HTMLElement | null | undefined): HTMLElement | undefined {
  if (!host) return undefined;
  return host.querySelector<HTMLElement>('[data-layer="base"]') ?? (host.classList.contains('viewport') ? host : (host.querySelector<HTMLElement>('.viewport') ?? host));
}

/**
 * Calls back when the element's camera changes (scroll, pan, zoom), it becomes enabled or it renders again (a
 * resize re-centres the image without a camera event); returns the unsubscribe.
 */
export function onPlaneChange(element: HTMLElement, callback: () => void): () => void {
  const events = [Enums.Events.CAMERA_MODIFIED, Enums.Events.ELEMENT_ENABLED, Enums.Events.IMAGE_RENDERED];
  for (const e of events) element.addEventListener(e, callback);
  return () => {
    for (const e of events) element.removeEventListener(e, callback);
  };
}

/**
 * Calls `onSampling` with the plane as it is shown, as a grid of patient points every `stepPx` canvas pixels (origin
 * at canvas 0, 0), for layers computed on the plane (RT structure cuts, isodose lines, SEG outlines): when the
 * element is enabled and after each camera change, at most once per animation frame. Returns the unsubscribe.
 */
export function watchPlaneSampling(element: HTMLElement, stepPx: number, onSampling: (sampling: PlaneSampling, projection: PlaneProjection) => void): () => void {
  let frame = 0;
  const compute = () => {
    frame = 0;
    const vp = planeProjectionOf(element);
    const width = element.clientWidth;
    const height = element.clientHeight;
    if (!vp || width < 2 || height < 2) return;
    const o = vp.canvasToWorld([0, 0]);
    const ex = vp.canvasToWorld([stepPx, 0]).map((v, i) => v - o[i]!);
    const ey = vp.canvasToWorld([0, stepPx]).map((v, i) => v - o[i]!);
    const lx = Math.hypot(ex[0]!, ex[1]!, ex[2]!);
    const ly = Math.hypot(ey[0]!, ey[1]!, ey[2]!);
    if (!(lx > 0 && ly > 0)) return;
    onSampling(
      {
        origin: o,
        rowDirection: ex.map((v) => v / lx) as Vec3,
        columnDirection: ey.map((v) => v / ly) as Vec3,
        columnSpacing: lx,
        rowSpacing: ly,
        columns: Math.ceil(width / stepPx) + 1,
        rows: Math.ceil(height / stepPx) + 1,
      },
      vp,
    );
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(compute);
  };
  const off = onPlaneChange(element, schedule);
  schedule();
  // The element is enabled after the layer mounts: look again until it is.
  const timer = window.setInterval(() => planeProjectionOf(element) && schedule(), 1000);
  return () => {
    off();
    window.clearInterval(timer);
    if (frame) cancelAnimationFrame(frame);
  };
}
