/**
 * The curved path over one MPR plane (issue #19): the curve through the clicked points projected onto the plane —
 * solid where it runs within the plane's slab, dashed where it is in front of or behind it — the points within the
 * slab as dots (the others as rings), and the CPR's cursor. While the reader draws, a left click adds the point under
 * the mouse and a double click finishes; those clicks stop here, so the plane's own left-button tool (crosshairs)
 * does not act too. Every other mouse action (wheel scroll, right-drag W/L, middle-drag pan, Ctrl+drag zoom) goes
 * through to the plane.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Vec3 } from '../../../../common/registration/types';
import { onPlaneChange, planeProjectionOf, viewportElementIn } from '../../../imaging';
import { useTranslation } from '../../../ui/i18n';
import type { PathPoint } from '../model/curvedPath';
import { curveSamples, nearHalfThicknessMm, projectPoints, runsBySlab, svgPoints } from '../model/pathProjection';

export interface CprPathLayerProps {
  plane: string;
  points: readonly PathPoint[];
  drawing: boolean;
  /** The MPR slab's thickness, mm (points within half of it show as on the plane). */
  slabThicknessMm: number | undefined;
  /** Where the CPR's cursor is on the path (the cross-section's centre). */
  cursorPoint: Vec3 | undefined;
  onAdd(point: Vec3, planeNormal: Vec3): void;
  onFinish(): void;
}

const PATH_COLOUR = '#4fc3f7';
const CURSOR_COLOUR = '#ffa726';

export function CprPathLayer({ plane, points, drawing, slabThicknessMm, cursorPoint, onAdd, onFinish }: CprPathLayerProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement | null>(null);
  const [element, setElement] = useState<HTMLElement>();
  const [, setTick] = useState(0);
  const callbacks = useRef({ onAdd, onFinish });
  callbacks.current = { onAdd, onFinish };

  // The plane's cornerstone element is the cell this layer is drawn in.
  useEffect(() => setElement(viewportElementIn(ref.current?.parentElement)), []);

  // Redraw with the camera (scroll, pan, zoom, resize), and once the plane is enabled (after this layer mounts).
  useEffect(() => {
    if (!element) return;
    const redraw = () => setTick((n) => n + 1);
    const off = onPlaneChange(element, redraw);
    const timer = window.setInterval(() => planeProjectionOf(element) === undefined || redraw(), 1000);
    return () => {
      off();
      window.clearInterval(timer);
    };
  }, [element]);

  // Native listeners, not React's: React handles events at its root, after the plane's own (cornerstone) listeners
  // on the cell have seen them; stopping them here, on the way up, is the only way to keep the crosshairs still.
  useEffect(() => {
    const layer = ref.current;
    if (!layer || !drawing || !element) return;
    const ours = (e: MouseEvent) => e.button === 0 && !e.ctrlKey && !e.metaKey;
    const onDown = (e: MouseEvent) => {
      if (!ours(e)) return;
      e.stopPropagation();
      e.preventDefault();
      // The second press of a double click finishes the path (its first press already placed the last point).
      if (e.detail >= 2) return callbacks.current.onFinish();
      const vp = planeProjectionOf(element);
      const camera = vp?.camera();
      if (!vp || !camera) return;
      const r = layer.getBoundingClientRect();
      callbacks.current.onAdd(vp.canvasToWorld([e.clientX - r.left, e.clientY - r.top]), camera.viewPlaneNormal);
    };
    const swallow = (e: MouseEvent) => ours(e) && e.stopPropagation();
    layer.addEventListener('mousedown', onDown);
    for (const type of ['mouseup', 'click', 'dblclick'] as const) layer.addEventListener(type, swallow);
    return () => {
      layer.removeEventListener('mousedown', onDown);
      for (const type of ['mouseup', 'click', 'dblclick'] as const) layer.removeEventListener(type, swallow);
    };
  }, [drawing, element]);

  const samples = useMemo(() => curveSamples(points, 1), [points]);
  const vp = planeProjectionOf(element);
  const camera = vp?.camera();
  const half = nearHalfThicknessMm(slabThicknessMm);
  const toCanvas = (p: Vec3) => vp!.worldToCanvas(p);
  const runs = vp && camera && samples.length >= 2 ? runsBySlab(projectPoints(samples, camera, toCanvas, half)) : [];
  const dots = vp && camera ? projectPoints(points, camera, toCanvas, half) : [];
  const cursor = vp && camera && cursorPoint ? projectPoints([cursorPoint], camera, toCanvas, half)[0] : undefined;

  return (
    <div
      ref={ref}
      className="cpr-path-layer"
      data-cpr-plane={plane}
      data-drawing={drawing ? 'true' : 'false'}
      data-points={points.length}
      aria-label={t('cpr.pathLayer')}
      style={{ position: 'absolute', inset: 0, zIndex: 3, pointerEvents: drawing ? 'auto' : 'none', cursor: drawing ? 'crosshair' : undefined }}
    >
      <svg width="100%" height="100%" style={{ position: 'absolute', inset: 0, overflow: 'visible', pointerEvents: 'none' }} fill="none">
        {runs.map((run, i) =>
          run.near ? (
            <polyline key={i} points={svgPoints(run.points)} stroke={PATH_COLOUR} strokeWidth={2} />
          ) : (
            <polyline key={i} points={svgPoints(run.points)} stroke={PATH_COLOUR} strokeWidth={1} strokeDasharray="4 4" opacity={0.6} />
          ),
        )}
        {dots.map((d, i) =>
          d.near ? (
            <circle key={i} cx={d.x} cy={d.y} r={i === 0 ? 4.5 : 3.5} fill={PATH_COLOUR} stroke="#000" strokeWidth={1} />
          ) : (
            <circle key={i} cx={d.x} cy={d.y} r={3} stroke={PATH_COLOUR} strokeWidth={1} opacity={0.6} />
          ),
        )}
        {cursor ? <circle cx={cursor.x} cy={cursor.y} r={7} stroke={CURSOR_COLOUR} strokeWidth={2} strokeDasharray={cursor.near ? undefined : '3 3'} /> : null}
      </svg>
    </div>
  );
}
