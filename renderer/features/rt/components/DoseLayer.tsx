/**
 * The dose over a stack cell: a colour wash and isodose lines, computed on the image's own pixel grid (common/rt:
 * the dose sampled at each pixel centre, marching squares). Both are drawn in image pixel coordinates and placed on
 * the canvas by one affine transform (from the viewport's image → canvas mapping), so scroll, zoom and pan move
 * them with the image. Never takes the mouse.
 */
import { useEffect, useMemo, useRef } from 'react';
import { isodoseSegments, segmentsPath } from '../../../../common/rt/isodose';
import { washColour, type IsodoseLevel } from '../model/doseDisplay';

export interface DoseLayerProps {
  /** Gy at each pixel centre of the image shown (row-major), NaN outside the dose grid. */
  values: Float32Array;
  columns: number;
  rows: number;
  levels: readonly IsodoseLevel[];
  showLines: boolean;
  wash?: { referenceGy: number; fromFraction: number } | undefined;
  /** Canvas px of an image point, the viewport's convention (0.5, 0.5 = the first pixel's centre). */
  imageToCanvas: (column: number, row: number) => [number, number] | undefined;
}

export function DoseLayer({ values, columns, rows, levels, showLines, wash, imageToCanvas }: DoseLayerProps) {
  const paths = useMemo(
    () =>
      levels.map((l) => ({ level: l, d: segmentsPath(isodoseSegments(values, columns, rows, l.gy)) })),
    [values, columns, rows, levels],
  );
  const canvas = useRef<HTMLCanvasElement>(null);
  // Filled again only when the dose plane or the wash's scale changes, not on every scroll or zoom render.
  const washOn = wash !== undefined;
  const referenceGy = wash?.referenceGy ?? 0;
  const fromFraction = wash?.fromFraction ?? 0;
  useEffect(() => {
    const c = canvas.current;
    if (!c || !washOn) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(columns, rows);
    for (let i = 0; i < values.length; i++) img.data.set(washColour(values[i]!, referenceGy, fromFraction, 110), i * 4);
    ctx.putImageData(img, 0, 0);
  }, [values, columns, rows, washOn, referenceGy, fromFraction]);

  // Image (corner convention) → canvas: the affine map through three points.
  const o = imageToCanvas(0, 0);
  const u = imageToCanvas(1, 0);
  const v = imageToCanvas(0, 1);
  if (!o || !u || !v) return null;
  const m = [u[0] - o[0], u[1] - o[1], v[0] - o[0], v[1] - o[1], o[0], o[1]];
  // The lines are in pixel-centre coordinates: half a pixel on from the corner.
  const centre = `matrix(${m.join(' ')}) translate(0.5 0.5)`;
  return (
    <>
      {wash ? <canvas ref={canvas} className="dose-wash" data-testid="dose-wash" width={columns} height={rows} style={{ transform: `matrix(${m.join(',')})` }} aria-hidden="true" /> : null}
      {showLines ? (
        <svg className="dose-lines" data-testid="dose-lines" aria-hidden="true">
          <g transform={centre}>
            {paths.map(({ level, d }) => (
              <path key={level.gy} d={d} data-gy={level.gy.toFixed(3)} stroke={level.colour} strokeWidth={1.5} fill="none" vectorEffect="non-scaling-stroke" />
            ))}
          </g>
        </svg>
      ) : null}
    </>
  );
}
