/**
 * The plan's isocentre and beam central axes over a stack cell (issue #17): the isocentre as a cross-hair circle on the
 * slice it lies in (within half the slice spacing), each beam's axis from the isocentre towards its source (150 mm,
 * named at its end), the part of it that lies within half a slice of the image shown (all of it for a couch at 0°:
 * the axis is then in the axial plane). Directions from the gantry and couch angles for a head-first supine patient
 * (common/rt/beamGeometry.ts); plans in another patient position are listed, not drawn.
 */
import { axisWithinPlane, sourceDirectionHfs } from '../../../../common/rt/beamGeometry';
import type { RtPlan } from '../../../../common/rt/rtPlan';
import { toPixel, type PlaneGeometry } from '../model/structuresOnPlane';

const AXIS_MM = 150;

export interface BeamLayerProps {
  plans: readonly RtPlan[];
  shown: PlaneGeometry;
  halfSliceMm: number;
  /** Canvas px of an image point counted from the first pixel's centre. */
  centreToCanvas: (column: number, row: number) => [number, number] | undefined;
}

export function drawablePlan(plan: RtPlan): boolean {
  return !plan.patientPosition || plan.patientPosition.toUpperCase() === 'HFS';
}

export function BeamLayer({ plans, shown, halfSliceMm, centreToCanvas }: BeamLayerProps) {
  const tol = halfSliceMm + 1e-6;
  const marks: React.ReactNode[] = [];
  plans.filter(drawablePlan).forEach((plan, pi) => {
    const isocentres = new Map<string, [number, number, number]>();
    for (const beam of plan.beams) {
      if (!beam.isocentre) continue;
      isocentres.set(beam.isocentre.join(','), beam.isocentre);
      const dir = sourceDirectionHfs(beam.gantryDeg ?? NaN, beam.couchDeg ?? 0);
      if (!dir) continue;
      // The part of the axis within half a slice of the image plane.
      const span = axisWithinPlane(toPixel(shown, beam.isocentre).off, dir, shown.normal, tol, AXIS_MM);
      if (!span) continue;
      const [t0, t1] = span;
      const at = (t: number) => {
        const p = toPixel(shown, [beam.isocentre![0] + dir[0] * t, beam.isocentre![1] + dir[1] * t, beam.isocentre![2] + dir[2] * t]);
        return centreToCanvas(p.column, p.row);
      };
      const a = at(t0);
      const b = at(t1);
      if (!a || !b) continue;
      marks.push(
        <g key={`${pi}-${beam.number}`} data-beam-axis={beam.number}>
          <line x1={a[0]} y1={a[1]} x2={b[0]} y2={b[1]} className="beam-axis" />
          {t1 === AXIS_MM ? (
            <text x={b[0]} y={b[1]} className="beam-name">
              {beam.name}
            </text>
          ) : null}
        </g>,
      );
    }
    for (const [key, iso] of isocentres) {
      const p = toPixel(shown, iso);
      if (Math.abs(p.off) > tol) continue;
      const c = centreToCanvas(p.column, p.row);
      if (!c) continue;
      marks.push(
        <g key={`${pi}-iso-${key}`} data-isocentre={key} className="isocentre">
          <circle cx={c[0]} cy={c[1]} r={6} />
          <line x1={c[0] - 10} y1={c[1]} x2={c[0] + 10} y2={c[1]} />
          <line x1={c[0]} y1={c[1] - 10} x2={c[0]} y2={c[1] + 10} />
        </g>,
      );
    }
  });
  return (
    <svg className="beam-layer" data-testid="beam-layer" aria-hidden="true">
      {marks}
    </svg>
  );
}
