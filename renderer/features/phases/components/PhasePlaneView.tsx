/**
 * One plane of the 4DCT phases view, drawn on a 2D canvas from the phase volumes (issue #17): the chosen phase or a
 * projection over all phases, through the window, at its true millimetre aspect, with lines where the other two
 * planes cut it. Drawn on the CPU because a cine must swap ten volumes several times a second: in cornerstone each
 * swap re-uploads a 3D texture (and a new volume recompiles the shader, seconds in software WebGL), while cutting
 * one plane from memory takes a millisecond.
 *
 * Mouse: wheel moves the plane; a click moves the other two planes to the point; a drag changes the window
 * (across: width, up and down: level).
 */
import { useEffect, useRef, useState } from 'react';
import {
  extractPlane, planePixelToVoxel, projectPlanes, lastSliceOnTop, type PhaseGrid, type PhasePlane, type PlaneAxis,
} from '../../../../common/volume/phaseVolumes';
import { fitRect, windowToRgba, type DrawRect, type PhaseShow } from '../model/phaseDisplay';
import { useTranslation } from '../../../ui/i18n';

export type Voxel = [column: number, row: number, slice: number];

export interface PhasePlaneViewProps {
  axis: PlaneAxis;
  /** "Axial", "Coronal", "Sagittal". */
  name: string;
  grid: PhaseGrid;
  volumes: readonly Int16Array[];
  version: number;
  show: PhaseShow;
  phase: number;
  /** The point the three planes go through (grid indexes). */
  at: Voxel;
  window: { center: number; width: number };
  overlay: string;
  position: string;
  /** Lines where the other two planes cut this one. */
  lines: boolean;
  large: boolean;
  onMove: (axis: PlaneAxis, delta: number) => void;
  onPick: (voxel: Voxel) => void;
  onWindow: (center: number, width: number) => void;
  onActivate: (axis: PlaneAxis) => void;
  /** Double-click: this plane becomes the large one. */
  onEnlarge: (axis: PlaneAxis) => void;
}

/** Colours of the three planes' lines, as MPR draws its reference lines. */
export const PLANE_COLOURS: Record<PlaneAxis, string> = { slice: 'rgb(255, 90, 90)', row: 'rgb(80, 200, 120)', column: 'rgb(240, 220, 60)' };
/** A press that moves fewer pixels than this is a click (pick a point), more a window drag. */
const DRAG_PX = 3;

function indexOn(axis: PlaneAxis, at: Voxel): number {
  return axis === 'slice' ? at[2] : axis === 'row' ? at[1] : at[0];
}

function planeOf(grid: PhaseGrid, volumes: readonly Int16Array[], axis: PlaneAxis, index: number, show: PhaseShow, phase: number): PhasePlane {
  if (show.kind === 'phase') return extractPlane(volumes[phase]!, grid, axis, index);
  return projectPlanes(volumes.map((v) => extractPlane(v, grid, axis, index)), show.mode);
}

export function PhasePlaneView(props: PhasePlaneViewProps) {
  const { t } = useTranslation();
  const { axis, name, grid, volumes, version, show, phase, at, window: win, overlay, position, large, lines: showLines } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [box, setBox] = useState<{ width: number; height: number }>({ width: 0, height: 0 });
  const rectRef = useRef<{ rect: DrawRect; plane: { width: number; height: number } } | undefined>(undefined);
  const callbacks = useRef(props);
  callbacks.current = props;
  const index = indexOn(axis, at);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const observer = new ResizeObserver(() => setBox({ width: host.clientWidth, height: host.clientHeight }));
    observer.observe(host);
    setBox({ width: host.clientWidth, height: host.clientHeight });
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || box.width === 0 || box.height === 0 || volumes.length === 0) return;
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * dpr);
    canvas.height = Math.round(box.height * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const plane = planeOf(grid, volumes, axis, index, show, phase);
    const image = new ImageData(plane.width, plane.height);
    windowToRgba(plane.data, win.center, win.width, image.data);
    const source = new OffscreenCanvas(plane.width, plane.height);
    source.getContext('2d')!.putImageData(image, 0, 0);
    const rect = fitRect(box.width, box.height, plane.width * plane.pixelMm[0], plane.height * plane.pixelMm[1]);
    rectRef.current = { rect, plane: { width: plane.width, height: plane.height } };
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, box.width, box.height);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(source, rect.x, rect.y, rect.width, rect.height);
    // Where the other planes cut this one, through pixel centres.
    const px = (x: number) => rect.x + ((x + 0.5) / plane.width) * rect.width;
    const py = (y: number) => rect.y + ((y + 0.5) / plane.height) * rect.height;
    const sliceY = lastSliceOnTop(grid) ? grid.slices - 1 - at[2] : at[2];
    const lines: [PlaneAxis, 'v' | 'h', number][] =
      axis === 'slice' ? [['column', 'v', px(at[0])], ['row', 'h', py(at[1])]]
        : axis === 'row' ? [['column', 'v', px(at[0])], ['slice', 'h', py(sliceY)]]
          : [['row', 'v', px(at[1])], ['slice', 'h', py(sliceY)]];
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = 1;
    for (const [other, dir, v] of showLines ? lines : []) {
      ctx.strokeStyle = PLANE_COLOURS[other];
      ctx.beginPath();
      if (dir === 'v') {
        ctx.moveTo(v, rect.y);
        ctx.lineTo(v, rect.y + rect.height);
      } else {
        ctx.moveTo(rect.x, v);
        ctx.lineTo(rect.x + rect.width, v);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    // For the tests and the bench: where the plane is drawn, in CSS pixels of the canvas.
    canvas.dataset.rect = [rect.x, rect.y, rect.width, rect.height].map((v) => v.toFixed(2)).join(',');
    canvas.dataset.planeSize = `${plane.width},${plane.height}`;
  }, [grid, volumes, version, show, phase, axis, index, at, win, box, showLines]);

  const pixelAt = (clientX: number, clientY: number): [number, number] | undefined => {
    const canvas = canvasRef.current;
    const drawn = rectRef.current;
    if (!canvas || !drawn) return undefined;
    const b = canvas.getBoundingClientRect();
    const { rect, plane } = drawn;
    const x = Math.floor(((clientX - b.left - rect.x) / rect.width) * plane.width);
    const y = Math.floor(((clientY - b.top - rect.y) / rect.height) * plane.height);
    if (x < 0 || y < 0 || x >= plane.width || y >= plane.height) return undefined;
    return [x, y];
  };

  const press = useRef<{ x: number; y: number; center: number; width: number; dragged: boolean } | undefined>(undefined);

  return (
    <div
      ref={hostRef}
      className={`viewport mpr-cell ${large ? 'mpr-large' : 'mpr-small'}`}
      role="img"
      aria-label={t('phases.planeLabel', { name })}
      data-axis={axis}
      data-index={index}
      data-phase={show.kind === 'phase' ? phase : show.mode}
      onWheel={(e) => {
        if (e.deltaY !== 0) callbacks.current.onMove(axis, e.deltaY > 0 ? -1 : 1);
      }}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        callbacks.current.onActivate(axis);
        press.current = { x: e.clientX, y: e.clientY, center: win.center, width: win.width, dragged: false };
        e.currentTarget.setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={(e) => {
        const p = press.current;
        if (!p) return;
        const dx = e.clientX - p.x;
        const dy = e.clientY - p.y;
        if (!p.dragged && Math.hypot(dx, dy) < DRAG_PX) return;
        p.dragged = true;
        // One screen pixel moves the window by 1/200 of its width: the same feel at any window.
        const step = Math.max(1, p.width) / 200;
        callbacks.current.onWindow(p.center + dy * step, Math.max(1, p.width + dx * 2 * step));
      }}
      onPointerUp={(e) => {
        const p = press.current;
        press.current = undefined;
        if (!p || p.dragged) return;
        const pixel = pixelAt(e.clientX, e.clientY);
        if (pixel) callbacks.current.onPick(planePixelToVoxel(grid, axis, index, pixel[0], pixel[1]));
      }}
      onPointerCancel={() => {
        press.current = undefined;
      }}
      onDoubleClick={() => callbacks.current.onEnlarge(axis)}
      onContextMenu={(e) => e.preventDefault()}
    >
      <canvas ref={canvasRef} className="phase-canvas" />
      <span className="mpr-tag" style={{ color: PLANE_COLOURS[axis] }}>{name}</span>
      <span className="phase-overlay" data-testid={`phase-overlay-${axis}`}>
        {overlay}
        <br />
        {position}
      </span>
    </div>
  );
}
