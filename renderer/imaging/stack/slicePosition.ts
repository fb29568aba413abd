/** Where a slice is along the stack: Slice Location when given, else Image Position along the normal. */
export function slicePosition(sliceLocation: number | undefined, ipp: readonly number[] | undefined, iop: readonly number[] | undefined): number | undefined {
  if (sliceLocation !== undefined && Number.isFinite(sliceLocation)) return sliceLocation;
  if (!ipp || !iop || ipp.length !== 3 || iop.length !== 6) return undefined;
  const [r0, r1, r2, c0, c1, c2] = iop as [number, number, number, number, number, number];
  const n = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0] as const;
  const p = ipp[0]! * n[0] + ipp[1]! * n[1] + ipp[2]! * n[2];
  return Number.isFinite(p) ? p : undefined;
}

/** "-742.5 mm", one decimal, no "-0.0". */
export function formatMm(v: number): string {
  const r = Math.round(v * 10) / 10;
  return `${Object.is(r, -0) ? 0 : r} mm`;
}
