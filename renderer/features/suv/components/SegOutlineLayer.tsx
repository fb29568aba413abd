/**
 * The outlines of a PET's DICOM SEG segments over one fused PET/CT plane (issue #17): each segment's mask (on the
 * PET grid, the one the SUV table counts: common/seg) sampled on the plane as it is shown and outlined by marching
 * squares, in the segment's colour; recomputed when the camera moves. Never takes the mouse.
 */
import { useEffect, useRef, useState } from 'react';
import { isodoseSegments } from '../../../../common/rt/isodose';
import { maskOnPlane, type PlaneGrid } from '../../../../common/seg/maskOnPlane';
import { onPlaneChange, planeProjectionOf } from '../../../imaging';
import type { LoadedSeg } from './useSegmentSuv';

const SAMPLE_PX = 2;
const COLOURS = ['#00ff66', '#ff3399', '#33ccff', '#ffcc00', '#cc66ff', '#ff6633'];

export function SegOutlineLayer({ loaded }: { loaded: LoadedSeg | undefined }) {
  const ref = useRef<SVGSVGElement | null>(null);
  const [paths, setPaths] = useState<{ key: string; segment: number; colour: string; d: string }[]>([]);
  useEffect(() => {
    const element = ref.current?.parentElement?.querySelector<HTMLElement>('[data-layer="base"]') ?? undefined;
    if (!element || !loaded) return;
    let frame = 0;
    const compute = () => {
      frame = 0;
      const vp = planeProjectionOf(element);
      const width = element.clientWidth;
      const height = element.clientHeight;
      if (!vp || width < 2 || height < 2) return;
      const o = vp.canvasToWorld([0, 0]);
      const ex = vp.canvasToWorld([SAMPLE_PX, 0]).map((v, i) => v - o[i]!);
      const ey = vp.canvasToWorld([0, SAMPLE_PX]).map((v, i) => v - o[i]!);
      const lx = Math.hypot(ex[0]!, ex[1]!, ex[2]!);
      const ly = Math.hypot(ey[0]!, ey[1]!, ey[2]!);
      if (!(lx > 0 && ly > 0)) return;
      const plane: PlaneGrid = {
        origin: o,
        rowDirection: ex.map((v) => v / lx) as [number, number, number],
        columnDirection: ey.map((v) => v / ly) as [number, number, number],
        columnSpacing: lx,
        rowSpacing: ly,
        columns: Math.ceil(width / SAMPLE_PX) + 1,
        rows: Math.ceil(height / SAMPLE_PX) + 1,
      };
      const out: typeof paths = [];
      loaded.segs.forEach((seg, si) =>
        seg.masks.forEach((m, mi) => {
          const s = isodoseSegments(maskOnPlane(m.mask, loaded.grid.volume, plane), plane.columns, plane.rows, 0.5);
          let d = '';
          for (let i = 0; i < s.length; i += 4) d += `M${(s[i]! * SAMPLE_PX).toFixed(1)} ${(s[i + 1]! * SAMPLE_PX).toFixed(1)}L${(s[i + 2]! * SAMPLE_PX).toFixed(1)} ${(s[i + 3]! * SAMPLE_PX).toFixed(1)}`;
          out.push({ key: `${si}-${m.segmentNumber}`, segment: m.segmentNumber, colour: COLOURS[(si + mi) % COLOURS.length]!, d });
        }),
      );
      setPaths(out);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(compute);
    };
    const off = onPlaneChange(element, schedule);
    schedule();
    const timer = window.setInterval(() => planeProjectionOf(element) && schedule(), 1000);
    return () => {
      off();
      window.clearInterval(timer);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [loaded]);
  return (
    <svg ref={ref} className="seg-outline-layer" data-testid="seg-outline-layer" aria-hidden="true">
      {paths.map((p) => (
        <path key={p.key} d={p.d} data-segment={p.segment} stroke={p.colour} strokeWidth={2} fill="none" />
      ))}
    </svg>
  );
}
