/**
 * RT over one MPR plane (axial, sagittal, coronal, oblique; issue #17): the structures cut by the plane (the DVH's
 * model of them: common/rt/structureMask.ts) and the isodose lines, both computed on the plane as it is shown —
 * sampled every SAMPLE_PX canvas pixels through the plane's canvas → patient mapping — and recomputed when the
 * camera moves (scroll, rotate, pan, zoom), at most once per frame. Never takes the mouse.
 */
import { useEffect, useRef, useState } from 'react';
import { axisWithinPlane, sourceDirectionHfs } from '../../../../common/rt/beamGeometry';
import { doseSampler, type DoseGrid } from '../../../../common/rt/doseGrid';
import type { RtPlan } from '../../../../common/rt/rtPlan';
import { doseOnPlane, isodoseSegments, segmentsPath } from '../../../../common/rt/isodose';
import { closedPlanes } from '../../../../common/rt/structureSet';
import { structureMaskOnPlane } from '../../../../common/rt/structureMask';
import { planeProjectionOf, viewportElementIn, watchPlaneSampling } from '../../../imaging';
import { useTranslation } from '../../../ui/i18n';
import { washColour, type IsodoseLevel } from '../model/doseDisplay';
import { drawablePlan } from './BeamLayer';
import { roiColour, type StructureStyle } from './StructureLayer';
import type { LoadedStructureSet } from './useStructureSets';

const SAMPLE_PX = 2;

export interface RtPlaneLayerProps {
  sets: readonly LoadedStructureSet[];
  grid: DoseGrid | undefined;
  levels: readonly IsodoseLevel[];
  /** Plane spacing for structures drawn on one plane only. */
  sliceSpacingMm: number;
  /** Plans whose beam axes and isocentres are drawn where they lie in the plane (within BEAM_TOL_MM; head-first supine). */
  plans?: readonly RtPlan[];
  /** For the readout's % (the prescription, else the dose maximum). */
  referenceGy?: number | undefined;
  /** Which structures are hidden and the outline width (the structure list's choices). */
  style?: StructureStyle | undefined;
  /** The colour wash (as in the stack cell), drawn under the lines; none when undefined. */
  wash?: { referenceGy: number; fromFraction: number } | undefined;
}

/** A beam axis or isocentre is drawn on a plane it lies within this distance of (mm). */
const BEAM_TOL_MM = 1.5;
const AXIS_MM = 150;
const NO_PLANS: readonly RtPlan[] = [];

interface Drawn {
  lines: { key: string; colour: string; d: string; roi?: number; gy?: number }[];
  beams: { key: string; beam: number; from: [number, number]; to: [number, number] }[];
  isocentres: { key: string; at: [number, number] }[];
}


export function RtPlaneLayer({ sets, grid, levels, sliceSpacingMm, plans = NO_PLANS, referenceGy, wash, style }: RtPlaneLayerProps) {
  const { t } = useTranslation();
  const hidden = style?.hidden;
  const ref = useRef<SVGSVGElement | null>(null);
  const washRef = useRef<HTMLCanvasElement | null>(null);
  const washFrom = wash?.fromFraction;
  const washReference = wash?.referenceGy;
  const [drawn, setDrawn] = useState<Drawn>({ lines: [], beams: [], isocentres: [] });
  const [cursor, setCursor] = useState<number>();
  useEffect(() => {
    // The plane's viewport: the cell itself in MPR; in a fusion cell, its base layer (the overlay layer copies its camera).
    const host = ref.current?.parentElement;
    const element = viewportElementIn(host);
    if (!host || !element) return;
    const stop = watchPlaneSampling(element, SAMPLE_PX, (sampling, vp) => {
      const o = sampling.origin;
      const lines: Drawn['lines'] = [];
      const dose = grid && (levels.length || washReference !== undefined) ? doseOnPlane(grid, sampling) : undefined;
      if (dose) {
        for (const l of levels) lines.push({ key: `dose-${l.gy}`, colour: l.colour, d: segmentsPath(isodoseSegments(dose, sampling.columns, sampling.rows, l.gy), SAMPLE_PX, 1), gy: l.gy });
      }
      // The wash: one canvas pixel per sample, stretched over the plane (each sample at the centre of its square).
      const canvas = washRef.current;
      if (canvas && dose && washReference !== undefined) {
        canvas.width = sampling.columns;
        canvas.height = sampling.rows;
        canvas.style.width = `${sampling.columns * SAMPLE_PX}px`;
        canvas.style.height = `${sampling.rows * SAMPLE_PX}px`;
        const ctx = canvas.getContext('2d');
        if (ctx) {
          const img = ctx.createImageData(sampling.columns, sampling.rows);
          for (let i = 0; i < dose.length; i++) img.data.set(washColour(dose[i]!, washReference, washFrom ?? 0, 110), i * 4);
          ctx.putImageData(img, 0, 0);
        }
      }
      for (const set of sets) {
        for (const roi of set.rois) {
          if (hidden?.has(roi.number)) continue;
          const { planes } = closedPlanes(roi);
          if (!planes.length) continue;
          const mask = structureMaskOnPlane(planes, sliceSpacingMm, sampling);
          lines.push({ key: `${set.sopInstanceUid}-${roi.number}`, colour: roiColour(roi), d: segmentsPath(isodoseSegments(mask, sampling.columns, sampling.rows, 0.5), SAMPLE_PX, 1), roi: roi.number });
        }
      }
      // Beam axes and isocentres lying in (within BEAM_TOL_MM of) the plane.
      const normal = [
        sampling.rowDirection[1] * sampling.columnDirection[2] - sampling.rowDirection[2] * sampling.columnDirection[1],
        sampling.rowDirection[2] * sampling.columnDirection[0] - sampling.rowDirection[0] * sampling.columnDirection[2],
        sampling.rowDirection[0] * sampling.columnDirection[1] - sampling.rowDirection[1] * sampling.columnDirection[0],
      ];
      const off = (p: readonly number[]) => (p[0]! - o[0]!) * normal[0]! + (p[1]! - o[1]!) * normal[1]! + (p[2]! - o[2]!) * normal[2]!;
      const beams: Drawn['beams'] = [];
      const isocentres = new Map<string, [number, number]>();
      plans.filter(drawablePlan).forEach((plan, pi) => {
        for (const b of plan.beams) {
          if (!b.isocentre) continue;
          const iso = b.isocentre;
          if (Math.abs(off(iso)) <= BEAM_TOL_MM) isocentres.set(iso.join(','), vp.worldToCanvas(iso));
          const dir = sourceDirectionHfs(b.gantryDeg ?? NaN, b.couchDeg ?? 0);
          if (!dir) continue;
          const span = axisWithinPlane(off(iso), dir, normal, BEAM_TOL_MM, AXIS_MM);
          if (!span) continue;
          const [t0, t1] = span;
          const at = (t: number) => vp.worldToCanvas([iso[0] + dir[0] * t, iso[1] + dir[1] * t, iso[2] + dir[2] * t]);
          beams.push({ key: `${pi}-${b.number}`, beam: b.number, from: at(t0), to: at(t1) });
        }
      });
      setDrawn({ lines, beams, isocentres: [...isocentres].map(([key, at]) => ({ key, at })) });
    });
    // The dose under the pointer, read where the plane shows it (a listener only: the plane's tools keep the mouse).
    const sample = grid ? doseSampler(grid) : undefined;
    const onMove = (e: PointerEvent) => {
      const vp = planeProjectionOf(element);
      if (!vp || !sample) return;
      const r = element.getBoundingClientRect();
      const w = vp.canvasToWorld([e.clientX - r.left, e.clientY - r.top]);
      const v = sample(w[0], w[1], w[2]);
      setCursor(Number.isNaN(v) ? undefined : v);
    };
    const onLeave = () => setCursor(undefined);
    // On the cell: in a fusion the overlay layer lies over the base and takes the pointer.
    host.addEventListener('pointermove', onMove);
    host.addEventListener('pointerleave', onLeave);
    return () => {
      stop();
      host.removeEventListener('pointermove', onMove);
      host.removeEventListener('pointerleave', onLeave);
    };
  }, [sets, grid, levels, sliceSpacingMm, plans, washReference, washFrom, hidden]);
  return (
    <>
      {wash ? <canvas ref={washRef} className="rt-plane-wash" data-testid="rt-plane-wash" aria-hidden="true" /> : null}
      <svg ref={ref} className="rt-plane-layer" data-testid="rt-plane-layer" aria-hidden="true">
        {drawn.lines.map((l) => (
          <path key={l.key} d={l.d} stroke={l.colour} strokeWidth={l.roi !== undefined ? (style?.outlineWidth ?? 2) : 1.5} fill="none" {...(l.roi !== undefined ? { 'data-roi': l.roi } : { 'data-gy': l.gy!.toFixed(3) })} />
        ))}
        {drawn.beams.map((b) => (
          <line key={b.key} data-beam-axis={b.beam} x1={b.from[0]} y1={b.from[1]} x2={b.to[0]} y2={b.to[1]} className="beam-axis" />
        ))}
        {drawn.isocentres.map((i) => (
          <g key={i.key} data-isocentre={i.key} className="isocentre">
            <circle cx={i.at[0]} cy={i.at[1]} r={5} />
          </g>
        ))}
      </svg>
      {cursor !== undefined ? (
        <div className="overlay dose-readout mpr-dose-readout" data-testid="mpr-dose-at-cursor" data-gy={cursor.toFixed(4)}>
          {referenceGy
            ? t('rt.doseAtCursorPercent', { gy: cursor.toFixed(2), percent: ((cursor / referenceGy) * 100).toFixed(1) })
            : t('rt.doseAtCursor', { gy: cursor.toFixed(2) })}
        </div>
      ) : null}
    </>
  );
}
