/**
 * Mouse and keys for manual adjustment of a fused overlay on one plane (issue #8): Shift+drag moves the overlay in
 * the plane, Ctrl+Shift+drag turns it about the plane's normal through the view centre, arrow keys nudge it 1 mm
 * (Shift: 10 mm), [ and ] turn it 1° (Shift: 10°). Each gesture is reported once, on release or key press, as one
 * change (one undo step). During a drag the overlay's layer is only moved with a CSS transform as a preview; the
 * preview stays until the caller has drawn the overlay in its new place and clears it (FusionViewports), or this is
 * detached.
 * The maths is common/registration/manualAdjust.ts.
 */
import { keyNudge, mmPerPixel, screenAngle, screenDeltaToPatient, signedAngleAbout, type PlaneCamera, type Vec3 } from '../../../common/registration/manualAdjust';

export type AdjustGesture =
  | { kind: 'translate'; delta: Vec3; plane: string; source: 'drag' | 'key'; px?: { dx: number; dy: number }; mmPerPx?: number }
  | { kind: 'rotate'; axis: Vec3; angle: number; centre: Vec3; plane: string; source: 'drag' | 'key' };

export interface AdjustTarget {
  plane: string;
  /** The plane's cell: gestures start on it (before the viewport's own tools see them), keys arrive on it. */
  cell: HTMLElement;
  /** The overlay layer moved by the preview. */
  overlay: HTMLElement;
  /** The base viewport's camera now (cornerstone's ICamera; the focal point is the view centre). */
  camera(): { viewPlaneNormal?: readonly number[]; viewUp?: readonly number[]; parallelScale?: number; focalPoint?: readonly number[] };
}

type FullCamera = PlaneCamera & { focalPoint: readonly number[] };

function fullCamera(c: ReturnType<AdjustTarget['camera']>): FullCamera | undefined {
  if (!c.viewPlaneNormal || !c.viewUp || !c.focalPoint || !(c.parallelScale! > 0)) return undefined;
  return { viewPlaneNormal: c.viewPlaneNormal, viewUp: c.viewUp, parallelScale: c.parallelScale!, focalPoint: c.focalPoint };
}

/** Attaches the gestures; returns the detach function (which also clears any preview). */
export function attachManualAdjust(target: AdjustTarget, onGesture: (g: AdjustGesture) => void): () => void {
  const { cell, overlay, plane } = target;
  let drag: { x: number; y: number; rotate: boolean; cx: number; cy: number } | undefined;
  const clearPreview = () => {
    overlay.style.transform = '';
  };
  // Client coordinates, and the view centre taken once at the start: a layout shift during the drag (a toolbar
  // wrapping) must not count as movement.
  const point = (e: MouseEvent) => ({ x: e.clientX, y: e.clientY, h: cell.getBoundingClientRect().height });
  const onMove = (e: MouseEvent) => {
    if (!drag) return;
    const p = point(e);
    overlay.style.transformOrigin = '50% 50%';
    overlay.style.transform = drag.rotate
      ? `rotate(${screenAngle({ x: drag.cx, y: drag.cy }, drag, p)}rad)`
      : `translate(${p.x - drag.x}px, ${p.y - drag.y}px)`;
  };
  const onUp = (e: MouseEvent) => {
    window.removeEventListener('mousemove', onMove, true);
    window.removeEventListener('mouseup', onUp, true);
    if (!drag) return;
    const start = drag;
    drag = undefined;
    const p = point(e);
    const cam = fullCamera(target.camera());
    if (!cam) return clearPreview();
    if (start.rotate) {
      // The same turn in patient space: start and end as in-plane offsets from the view centre.
      const a = screenDeltaToPatient(cam, p.h, start.x - start.cx, start.y - start.cy);
      const b = screenDeltaToPatient(cam, p.h, p.x - start.cx, p.y - start.cy);
      const angle = signedAngleAbout(cam.viewPlaneNormal, a, b);
      if (Math.abs(angle) < 1e-4) return clearPreview();
      onGesture({ kind: 'rotate', axis: [...cam.viewPlaneNormal] as Vec3, angle, centre: [...cam.focalPoint] as Vec3, plane, source: 'drag' });
    } else {
      const dx = p.x - start.x;
      const dy = p.y - start.y;
      if (dx === 0 && dy === 0) return clearPreview();
      onGesture({ kind: 'translate', delta: screenDeltaToPatient(cam, p.h, dx, dy), plane, source: 'drag', px: { dx, dy }, mmPerPx: mmPerPixel(cam, p.h) });
    }
  };
  const onDown = (e: MouseEvent) => {
    if (e.button !== 0 || !e.shiftKey || e.altKey) return;
    // Ours, not the viewport tools' (scroll, zoom): stop it before it reaches the viewport element.
    e.stopPropagation();
    e.preventDefault();
    const r = cell.getBoundingClientRect();
    drag = { x: e.clientX, y: e.clientY, rotate: e.ctrlKey || e.metaKey, cx: r.left + r.width / 2, cy: r.top + r.height / 2 };
    window.addEventListener('mousemove', onMove, true);
    window.addEventListener('mouseup', onUp, true);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const cam = fullCamera(target.camera());
    if (!cam) return;
    const nudge = keyNudge(e.key, e.shiftKey, cam);
    if (!nudge) return;
    // The viewer's own keys (slice scrolling on the arrows) do not also act on a fused view.
    e.preventDefault();
    e.stopPropagation();
    if (nudge.kind === 'translate') onGesture({ kind: 'translate', delta: nudge.delta, plane, source: 'key' });
    else onGesture({ kind: 'rotate', axis: [...cam.viewPlaneNormal] as Vec3, angle: nudge.angle, centre: [...cam.focalPoint] as Vec3, plane, source: 'key' });
  };
  cell.addEventListener('mousedown', onDown, true);
  cell.addEventListener('keydown', onKey);
  return () => {
    cell.removeEventListener('mousedown', onDown, true);
    cell.removeEventListener('keydown', onKey);
    window.removeEventListener('mousemove', onMove, true);
    window.removeEventListener('mouseup', onUp, true);
    clearPreview();
  };
}

