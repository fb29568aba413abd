/**
 * The ROI layer over one fused plane of the PET/CT layout: draws every ROI where it cuts the plane shown (a
 * sphere drawn in any plane shows as a circle in the others) and, while a ROI tool is chosen, turns a drag into a
 * new ROI (sphere: press at the centre, drag out the radius; ellipse: drag the box). With no tool chosen the layer
 * lets every mouse event through to the plane (scroll, W/L, pan, zoom).
 */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { Vec3 } from '../../../../common/registration/types';
import { onPlaneChange, planeProjectionOf } from '../../../imaging';
import { outlineInPlane, shapeFromDrag, type PetCtRoi, type PetCtRoiShape, type RoiTool } from '../model/petCtRoi';

export interface PetCtRoiLayerProps {
  plane: string;
  tool: RoiTool | undefined;
  rois: readonly PetCtRoi[];
  selected?: number;
  onCreate: (shape: PetCtRoiShape, plane: string) => void;
  /** The plane's base (CT) element, once known: the PET plane follows the fused axial one. */
  onElement?: (plane: string, element: HTMLElement) => void;
}

export function PetCtRoiLayer({ plane, tool, rois, selected, onCreate, onElement }: PetCtRoiLayerProps) {
  const ref = useRef<HTMLDivElement | null>(null);
  const [base, setBase] = useState<HTMLElement>();
  const [, setTick] = useState(0);
  const [drag, setDrag] = useState<{ from: [number, number]; to: [number, number] }>();
  const callbacks = useRef({ onElement });
  callbacks.current = { onElement };

  // The base element is this layer's sibling in the fusion cell.
  useEffect(() => {
    const el = ref.current?.parentElement?.querySelector<HTMLElement>('[data-layer="base"]') ?? undefined;
    setBase(el);
    if (el) callbacks.current.onElement?.(plane, el);
  }, [plane]);

  // Outlines move with the camera (scroll, pan, zoom) and appear once the viewport is enabled.
  useEffect(() => {
    if (!base) return;
    const redraw = () => setTick((t) => t + 1);
    const off = onPlaneChange(base, redraw);
    // The element is enabled after this layer mounts: look again until it is.
    const timer = window.setInterval(() => planeProjectionOf(base) === undefined || redraw(), 1000);
    return () => {
      off();
      window.clearInterval(timer);
    };
  }, [base]);

  const vp = planeProjectionOf(base);
  const camera = vp?.camera();
  const toCanvas = (p: Vec3) => vp!.worldToCanvas(p);
  const at = (e: ReactPointerEvent): [number, number] => {
    const r = ref.current!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };

  const finish = () => {
    if (!drag || !vp || !camera || !tool) return setDrag(undefined);
    const from = vp.canvasToWorld(drag.from);
    const to = vp.canvasToWorld(drag.to);
    const shape = shapeFromDrag(tool, from, to, camera);
    setDrag(undefined);
    if (shape) onCreate(shape, plane);
  };

  const preview = (() => {
    if (!drag || !tool) return undefined;
    if (tool === 'sphere') {
      const r = Math.hypot(drag.to[0] - drag.from[0], drag.to[1] - drag.from[1]);
      return <circle cx={drag.from[0]} cy={drag.from[1]} r={r} />;
    }
    const [x0, y0] = drag.from;
    const [x1, y1] = drag.to;
    return <ellipse cx={(x0 + x1) / 2} cy={(y0 + y1) / 2} rx={Math.abs(x1 - x0) / 2} ry={Math.abs(y1 - y0) / 2} />;
  })();

  return (
    <div
      ref={ref}
      className="petct-roi-layer"
      data-plane={plane}
      data-tool={tool ?? 'none'}
      style={{ position: 'absolute', inset: 0, zIndex: 3, pointerEvents: tool ? 'auto' : 'none', cursor: tool ? 'crosshair' : undefined }}
      onPointerDown={(e) => {
        if (!tool || e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        const p = at(e);
        setDrag({ from: p, to: p });
      }}
      onPointerMove={(e) => drag && setDrag({ ...drag, to: at(e) })}
      onPointerUp={finish}
      onPointerCancel={() => setDrag(undefined)}
    >
      <svg width="100%" height="100%" style={{ position: 'absolute', inset: 0, overflow: 'visible' }} fill="none" strokeWidth={1.5}>
        {camera
          ? rois.map((roi, i) => {
              const outline = outlineInPlane(roi.shape, camera);
              if (!outline) return null;
              const pts = outline.map(toCanvas);
              const top = pts.reduce((a, b) => (b[1] < a[1] ? b : a));
              return (
                <g key={roi.id} data-roi={roi.id} stroke={roi.id === selected ? '#ffeb3b' : '#4fc3f7'}>
                  <polygon points={pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ')} />
                  <text x={top[0]} y={top[1] - 4} fill={roi.id === selected ? '#ffeb3b' : '#4fc3f7'} stroke="none" fontSize={12} textAnchor="middle">
                    {i + 1}
                  </text>
                </g>
              );
            })
          : null}
        {preview ? <g stroke="#ffeb3b" strokeDasharray="4 3">{preview}</g> : null}
      </svg>
    </div>
  );
}
