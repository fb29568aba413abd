/**
 * RT over one MPR plane (axial, sagittal, coronal, oblique; issue #17): the structures cut by the plane (the DVH's
 * model of them: common/rt/structureMask.ts) and the isodose lines, both computed on the plane as it is shown —
 * sampled every SAMPLE_PX canvas pixels through the plane's canvas → patient mapping — and recomputed when the
 * camera moves (scroll, rotate, pan, zoom), at most once per frame. Never takes the mouse.
 */
import { useEffect, useRef, useState } from 'react';
import type { DoseGrid } from '../../../../common/rt/doseGrid';
import { doseOnPlane, isodoseSegments, type PlaneSampling } from '../../../../common/rt/isodose';
import { closedPlanes } from '../../../../common/rt/structureSet';
import { structureMaskOnPlane } from '../../../../common/rt/structureMask';
import { onPlaneChange, planeProjectionOf } from '../../../imaging';
import type { IsodoseLevel } from '../model/doseDisplay';
import { roiColour } from './StructureLayer';
import type { LoadedStructureSet } from './useStructureSets';

const SAMPLE_PX = 2;

export interface RtPlaneLayerProps {
  sets: readonly LoadedStructureSet[];
  grid: DoseGrid | undefined;
  levels: readonly IsodoseLevel[];
  /** Plane spacing for structures drawn on one plane only. */
  sliceSpacingMm: number;
}

interface Drawn {
  lines: { key: string; colour: string; d: string; roi?: number; gy?: number }[];
}

function pathOf(s: Float32Array): string {
  let d = '';
  for (let i = 0; i < s.length; i += 4) d += `M${(s[i]! * SAMPLE_PX).toFixed(1)} ${(s[i + 1]! * SAMPLE_PX).toFixed(1)}L${(s[i + 2]! * SAMPLE_PX).toFixed(1)} ${(s[i + 3]! * SAMPLE_PX).toFixed(1)}`;
  return d;
}

export function RtPlaneLayer({ sets, grid, levels, sliceSpacingMm }: RtPlaneLayerProps) {
  const ref = useRef<SVGSVGElement | null>(null);
  const [drawn, setDrawn] = useState<Drawn>({ lines: [] });
  useEffect(() => {
    const element = ref.current?.parentElement;
    if (!element) return;
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
      const sampling: PlaneSampling = {
        origin: o,
        rowDirection: ex.map((v) => v / lx) as [number, number, number],
        columnDirection: ey.map((v) => v / ly) as [number, number, number],
        columnSpacing: lx,
        rowSpacing: ly,
        columns: Math.ceil(width / SAMPLE_PX) + 1,
        rows: Math.ceil(height / SAMPLE_PX) + 1,
      };
      const lines: Drawn['lines'] = [];
      if (grid && levels.length) {
        const dose = doseOnPlane(grid, sampling);
        for (const l of levels) lines.push({ key: `dose-${l.gy}`, colour: l.colour, d: pathOf(isodoseSegments(dose, sampling.columns, sampling.rows, l.gy)), gy: l.gy });
      }
      for (const set of sets) {
        for (const roi of set.rois) {
          const { planes } = closedPlanes(roi);
          if (!planes.length) continue;
          const mask = structureMaskOnPlane(planes, sliceSpacingMm, sampling);
          lines.push({ key: `${set.sopInstanceUid}-${roi.number}`, colour: roiColour(roi), d: pathOf(isodoseSegments(mask, sampling.columns, sampling.rows, 0.5)), roi: roi.number });
        }
      }
      setDrawn({ lines });
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(compute);
    };
    const off = onPlaneChange(element, schedule);
    schedule();
    // The plane is enabled after this layer mounts: look again until it is.
    const timer = window.setInterval(() => planeProjectionOf(element) && schedule(), 1000);
    return () => {
      off();
      window.clearInterval(timer);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [sets, grid, levels, sliceSpacingMm]);
  return (
    <svg ref={ref} className="rt-plane-layer" data-testid="rt-plane-layer" aria-hidden="true">
      {drawn.lines.map((l) => (
        <path key={l.key} d={l.d} stroke={l.colour} strokeWidth={l.roi !== undefined ? 2 : 1.5} fill="none" {...(l.roi !== undefined ? { 'data-roi': l.roi } : { 'data-gy': l.gy!.toFixed(3) })} />
      ))}
    </svg>
  );
}
