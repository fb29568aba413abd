/**
 * RT structures over a stack cell: the contours that lie on the image shown, in their DICOM colours (ROI Display
 * Color), as closed outlines with a translucent fill (holes stay holes: even-odd fill), open polylines, or point
 * markers. Drawn in canvas pixels from the image's pixel coordinates, so it follows scroll, zoom and pan like the
 * reference line. Never takes the mouse.
 */
import type { Roi } from '../../../../common/rt/structureSet';
import type { RoiOnPlane } from '../model/structuresOnPlane';

export interface StructureStyle {
  /** 0–1, fill of closed contours. */
  fillOpacity: number;
  /** CSS px. */
  outlineWidth: number;
  hidden: ReadonlySet<number>;
}

export interface StructureLayerProps {
  rois: readonly Roi[];
  onPlane: readonly RoiOnPlane[];
  style: StructureStyle;
  imageToCanvas: (column: number, row: number) => [number, number] | undefined;
}

export function roiColour(roi: Pick<Roi, 'color'> | undefined): string {
  const c = roi?.color ?? [255, 255, 0];
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function StructureLayer({ rois, onPlane, style, imageToCanvas }: StructureLayerProps) {
  const byNumber = new Map(rois.map((r) => [r.number, r]));
  return (
    <svg className="structure-layer" data-testid="structure-layer" aria-hidden="true">
      {onPlane
        .filter((s) => !style.hidden.has(s.roiNumber))
        .map((s) => {
          const roi = byNumber.get(s.roiNumber);
          const colour = roiColour(roi);
          const closed: string[] = [];
          const others = s.contours.flatMap((c, i) => {
            const pts: [number, number][] = [];
            for (let k = 0; k < c.pixels.length; k += 2) {
              const p = imageToCanvas(c.pixels[k]!, c.pixels[k + 1]!);
              if (p) pts.push(p);
            }
            if (!pts.length) return [];
            if (c.type === 'CLOSED_PLANAR') {
              closed.push(`M${pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L')}Z`);
              return [];
            }
            if (c.type === 'POINT') return pts.map((p, j) => <circle key={`${i}-${j}`} cx={p[0]} cy={p[1]} r={3} fill="none" stroke={colour} strokeWidth={style.outlineWidth} />);
            return [<polyline key={i} points={pts.map((p) => p.join(',')).join(' ')} fill="none" stroke={colour} strokeWidth={style.outlineWidth} />];
          });
          return (
            <g key={s.roiNumber} data-roi={s.roiNumber} data-roi-name={roi?.name}>
              {closed.length ? <path d={closed.join(' ')} fill={colour} fillOpacity={style.fillOpacity} fillRule="evenodd" stroke={colour} strokeWidth={style.outlineWidth} strokeLinejoin="round" /> : null}
              {others}
            </g>
          );
        })}
    </svg>
  );
}
