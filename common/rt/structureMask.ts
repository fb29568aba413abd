/**
 * A structure cut by any plane (sagittal, coronal, oblique MPR), by the DVH's own model of it (dvh.ts): each contour
 * plane's polygons extruded over its slab, end caps half a plane spacing beyond the first and last contour, even-odd
 * inside. Sampled on the plane's pixel grid as 1 (inside) / 0; its outline is then the 0.5 isoline (isodose.ts's
 * marching squares), so what the MPR shows is exactly the volume the DVH counts.
 */
import { slabsOf } from './dvh';
import type { PlaneSampling } from './isodose';
import type { ContourPlane } from './structureSet';

interface PreparedSlab {
  lo: number;
  hi: number;
  polygons: { poly: Float64Array; x0: number; x1: number; y0: number; y1: number }[];
}

function prepare(planes: readonly ContourPlane[], fallbackThicknessMm: number): PreparedSlab[] {
  return slabsOf(planes, fallbackThicknessMm).map(({ plane, lo, hi }) => ({
    lo,
    hi,
    polygons: plane.polygons.map((poly) => {
      let x0 = Infinity;
      let x1 = -Infinity;
      let y0 = Infinity;
      let y1 = -Infinity;
      for (let i = 0; i < poly.length; i += 2) {
        x0 = Math.min(x0, poly[i]!);
        x1 = Math.max(x1, poly[i]!);
        y0 = Math.min(y0, poly[i + 1]!);
        y1 = Math.max(y1, poly[i + 1]!);
      }
      return { poly, x0, x1, y0, y1 };
    }),
  }));
}

function insidePolygon(poly: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const yi = poly[i * 2 + 1]!;
    const yj = poly[j * 2 + 1]!;
    if (yi > y !== yj > y && x < poly[i * 2]! + ((y - yi) / (yj - yi)) * (poly[j * 2]! - poly[i * 2]!)) inside = !inside;
  }
  return inside;
}

/** 1 where the plane's pixel centres are inside the structure, 0 elsewhere (row-major). */
export function structureMaskOnPlane(planes: readonly ContourPlane[], fallbackThicknessMm: number, plane: PlaneSampling): Float32Array {
  const out = new Float32Array(plane.rows * plane.columns);
  const slabs = prepare(planes, fallbackThicknessMm);
  if (!slabs.length) return out;
  const zMin = slabs[0]!.lo;
  const zMax = slabs[slabs.length - 1]!.hi;
  const [ox, oy, oz] = plane.origin;
  const [ux, uy, uz] = plane.rowDirection.map((v) => v * plane.columnSpacing) as [number, number, number];
  const [vx, vy, vz] = plane.columnDirection.map((v) => v * plane.rowSpacing) as [number, number, number];
  for (let r = 0; r < plane.rows; r++) {
    for (let c = 0; c < plane.columns; c++) {
      const z = oz + uz * c + vz * r;
      if (z < zMin || z >= zMax) continue;
      // The slab holding z (slabs are contiguous within a part, sorted by z).
      let lo = 0;
      let hi = slabs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (slabs[mid]!.lo <= z) lo = mid;
        else hi = mid - 1;
      }
      const slab = slabs[lo]!;
      if (z >= slab.hi) continue;
      const x = ox + ux * c + vx * r;
      const y = oy + uy * c + vy * r;
      let inside = false;
      for (const p of slab.polygons) if (x >= p.x0 && x <= p.x1 && y >= p.y0 && y <= p.y1 && insidePolygon(p.poly, x, y)) inside = !inside;
      if (inside) out[r * plane.columns + c] = 1;
    }
  }
  return out;
}
