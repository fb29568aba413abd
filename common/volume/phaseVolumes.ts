/**
 * The respiratory phases of a 4DCT (issue #17) as volumes on one grid, and the planes a reader looks at through
 * them: one phase, or the maximum / mean / minimum over every phase, at a fixed position.
 *
 * Pure and isomorphic. The viewer holds one Int16Array of HU per phase (2 bytes a voxel, no second copy of any
 * phase: a MIP or average is computed per plane when shown, never stored as a volume), so a 10-phase
 * 512 × 512 × 150 4DCT holds 786 MB, inside the 2 GiB a volume may use (planVolume.volumeBudgetBytes).
 *
 * Planes are named by the index they hold fixed, in the phases' own grid (the axes of the acquisition), and laid
 * out for display as radiologists expect of an axial acquisition: 'slice' as acquired (column → right, row →
 * down), 'row' (coronal) and 'column' (sagittal) with the highest slice along the head direction at the top.
 */
import { type DicomJsonDataset, getNumber, getNumbers } from '../dicom/dicomJson';
import { Tag } from '../dicom/tags';

type Vec3 = [number, number, number];

export interface PhaseGrid {
  columns: number;
  rows: number;
  slices: number;
  /** mm between columns, between rows (both after decimation) and between slices. */
  spacing: Vec3;
  /** Patient position (mm) of the first voxel of the first slice. */
  origin: Vec3;
  /** Unit vectors: along a row (column index grows), down a column (row index grows), across slices (slice grows). */
  rowDirection: Vec3;
  columnDirection: Vec3;
  sliceDirection: Vec3;
  /** In-plane decimation (1: every pixel) chosen so that every phase fits the memory budget. */
  decimation: number;
  /** The acquired grid before decimation. */
  acquired: { columns: number; rows: number };
}

export interface PhaseMemory {
  bytesPerVoxel: number;
  voxelsPerPhase: number;
  totalBytes: number;
  budgetBytes: number;
}

/** HU are held as Int16: every CT value fits (−32768…32767), and a phase costs half a Float32 copy. */
export const PHASE_BYTES_PER_VOXEL = 2;

/** Slice gaps that differ from their mean by more than this fraction are reported (the grid assumes even spacing). */
const UNEVEN_SPACING = 0.1;

const sub = (a: readonly number[], b: readonly number[]): Vec3 => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
const dot = (a: readonly number[], b: readonly number[]): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const norm = (a: Vec3): Vec3 => {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
};

/**
 * The grid of a phase from its images (sorted along the normal, as splitPhases gives them), decimated in-plane
 * until `phaseCount` phases fit `budgetBytes`. A string says why no grid can be made.
 */
export function phaseGrid(datasets: readonly DicomJsonDataset[], phaseCount: number, budgetBytes: number): { grid: PhaseGrid; memory: PhaseMemory; warnings: string[] } | string {
  if (datasets.length < 2) return 'A phase needs at least two slices to be a volume.';
  const first = datasets[0]!;
  const last = datasets[datasets.length - 1]!;
  const rows = getNumber(first, Tag.Rows);
  const columns = getNumber(first, Tag.Columns);
  const iop = getNumbers(first, Tag.ImageOrientationPatient, 6);
  const spacing = getNumbers(first, Tag.PixelSpacing, 2);
  const p0 = getNumbers(first, Tag.ImagePositionPatient, 3);
  const pn = getNumbers(last, Tag.ImagePositionPatient, 3);
  if (!rows || !columns) return 'The images do not say their size (Rows, Columns).';
  if (!iop || !p0 || !pn) return 'The images do not say where they are (Image Position and Orientation (Patient)).';
  if (!spacing || !(spacing[0]! > 0) || !(spacing[1]! > 0)) return 'The images do not say their pixel spacing.';
  for (const ds of datasets) {
    if (getNumber(ds, Tag.Rows) !== rows || getNumber(ds, Tag.Columns) !== columns) return 'The slices of a phase differ in size.';
  }
  const rowDirection = norm([iop[0]!, iop[1]!, iop[2]!]);
  const columnDirection = norm([iop[3]!, iop[4]!, iop[5]!]);
  const extent = sub(pn, p0);
  const span = Math.hypot(...extent);
  if (!(span > 0)) return 'Every slice of a phase is at the same position.';
  const sliceDirection = norm(extent);
  const sliceSpacing = span / (datasets.length - 1);
  const warnings: string[] = [];
  let worst = 0;
  for (let k = 1; k < datasets.length; k++) {
    const a = getNumbers(datasets[k - 1]!, Tag.ImagePositionPatient, 3);
    const b = getNumbers(datasets[k]!, Tag.ImagePositionPatient, 3);
    if (a && b) worst = Math.max(worst, Math.abs(dot(sub(b, a), sliceDirection) - sliceSpacing) / sliceSpacing);
  }
  if (worst > UNEVEN_SPACING) warnings.push(`The slices are unevenly spaced (a gap differs from the mean ${sliceSpacing.toFixed(2)} mm by ${(worst * 100).toFixed(0)} %): the planes across slices show them evenly spaced.`);

  let decimation = 1;
  const voxelsAt = (d: number): number => Math.ceil(columns / d) * Math.ceil(rows / d) * datasets.length;
  while (voxelsAt(decimation) * PHASE_BYTES_PER_VOXEL * phaseCount > budgetBytes && decimation < Math.max(rows, columns)) decimation++;
  const voxelsPerPhase = voxelsAt(decimation);
  const totalBytes = voxelsPerPhase * PHASE_BYTES_PER_VOXEL * phaseCount;
  if (totalBytes > budgetBytes) return `The ${phaseCount} phases cannot fit the ${(budgetBytes / 2 ** 20).toFixed(0)} MiB available, even at the lowest resolution.`;
  if (decimation > 1) warnings.push(`Every ${decimation === 2 ? 'second' : `${decimation}th`} pixel is kept in each slice so that the ${phaseCount} phases fit the memory available.`);
  return {
    grid: {
      columns: Math.ceil(columns / decimation),
      rows: Math.ceil(rows / decimation),
      slices: datasets.length,
      spacing: [spacing[1]! * decimation, spacing[0]! * decimation, sliceSpacing],
      origin: [p0[0]!, p0[1]!, p0[2]!],
      rowDirection,
      columnDirection,
      sliceDirection,
      decimation,
      acquired: { columns, rows },
    },
    memory: { bytesPerVoxel: PHASE_BYTES_PER_VOXEL, voxelsPerPhase, totalBytes, budgetBytes },
    warnings,
  };
}

/** Stores one decoded slice (modality values, acquired size) into a phase volume at slice `k`, decimating as the grid says. */
export function putSlice(volume: Int16Array, grid: PhaseGrid, k: number, values: ArrayLike<number>): void {
  const { columns, rows, decimation: d, acquired } = grid;
  if (values.length < acquired.columns * acquired.rows) throw new RangeError(`A slice has ${values.length} values, fewer than its ${acquired.columns} × ${acquired.rows} pixels.`);
  const base = k * columns * rows;
  for (let r = 0; r < rows; r++) {
    const src = r * d * acquired.columns;
    const dst = base + r * columns;
    for (let c = 0; c < columns; c++) {
      const v = Math.round(values[src + c * d]!);
      volume[dst + c] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
  }
}

/** Which grid index a plane holds fixed: a slice as acquired, a row (coronal in an axial scan) or a column (sagittal). */
export type PlaneAxis = 'slice' | 'row' | 'column';

export interface PhasePlane {
  width: number;
  height: number;
  /** mm per display pixel across and down. */
  pixelMm: [number, number];
  data: Int16Array;
}

/** How many planes of an axis the grid holds. */
export function planeCount(grid: PhaseGrid, axis: PlaneAxis): number {
  return axis === 'slice' ? grid.slices : axis === 'row' ? grid.rows : grid.columns;
}

/**
 * Whether the display puts the last slice at the top of the 'row' and 'column' planes: when slices go towards the
 * head (+z in LPS), so that the head is up whichever way the scanner ordered them.
 */
export function lastSliceOnTop(grid: PhaseGrid): boolean {
  return grid.sliceDirection[2] >= 0;
}

/** The plane of `volume` at `index` along `axis`, laid out for display (see the file comment). */
export function extractPlane(volume: Int16Array, grid: PhaseGrid, axis: PlaneAxis, index: number, out?: Int16Array): PhasePlane {
  const { columns, rows, slices, spacing } = grid;
  const n = planeCount(grid, axis);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`Plane ${index} is outside 0…${n - 1} along ${axis}.`);
  if (axis === 'slice') {
    const size = columns * rows;
    const data = out && out.length === size ? out : new Int16Array(size);
    data.set(volume.subarray(index * size, (index + 1) * size));
    return { width: columns, height: rows, pixelMm: [spacing[0], spacing[1]], data };
  }
  const width = axis === 'row' ? columns : rows;
  const data = out && out.length === width * slices ? out : new Int16Array(width * slices);
  const top = lastSliceOnTop(grid);
  for (let y = 0; y < slices; y++) {
    const k = top ? slices - 1 - y : y;
    const sliceBase = k * columns * rows;
    if (axis === 'row') {
      data.set(volume.subarray(sliceBase + index * columns, sliceBase + (index + 1) * columns), y * width);
    } else {
      for (let x = 0; x < width; x++) data[y * width + x] = volume[sliceBase + x * columns + index]!;
    }
  }
  return { width, height: slices, pixelMm: [axis === 'row' ? spacing[0] : spacing[1], spacing[2]], data };
}

export type PhaseProjection = 'mip' | 'average' | 'minip';

/**
 * The maximum, mean or minimum over phases of the same plane, pixel by pixel. Computed per plane so that no
 * projected volume is ever held (phases share no duplicate copies).
 */
export function projectPlanes(planes: readonly PhasePlane[], mode: PhaseProjection, out?: Int16Array): PhasePlane {
  if (planes.length === 0) throw new RangeError('No planes to project.');
  const first = planes[0]!;
  const size = first.width * first.height;
  for (const p of planes) if (p.width !== first.width || p.height !== first.height) throw new RangeError('Planes of different sizes cannot be projected together.');
  const data = out && out.length === size ? out : new Int16Array(size);
  if (mode === 'average') {
    const sum = new Float64Array(size);
    for (const p of planes) for (let i = 0; i < size; i++) sum[i]! += p.data[i]!;
    for (let i = 0; i < size; i++) data[i] = Math.round(sum[i]! / planes.length);
  } else {
    data.set(first.data);
    const max = mode === 'mip';
    for (let j = 1; j < planes.length; j++) {
      const d = planes[j]!.data;
      for (let i = 0; i < size; i++) if (max ? d[i]! > data[i]! : d[i]! < data[i]!) data[i] = d[i]!;
    }
  }
  return { width: first.width, height: first.height, pixelMm: first.pixelMm, data };
}

/** The patient position (mm) of voxel (column, row, slice) of the grid. */
export function voxelToPatient(grid: PhaseGrid, column: number, row: number, slice: number): Vec3 {
  const { origin, rowDirection: r, columnDirection: c, sliceDirection: s, spacing } = grid;
  return [0, 1, 2].map((a) => origin[a]! + r[a]! * column * spacing[0] + c[a]! * row * spacing[1] + s[a]! * slice * spacing[2]) as Vec3;
}

/**
 * The grid indexes (column, row, slice) of a display pixel (x, y) on a plane at `index` along `axis`: the inverse of
 * extractPlane's layout, for clicks that move the other planes.
 */
export function planePixelToVoxel(grid: PhaseGrid, axis: PlaneAxis, index: number, x: number, y: number): [number, number, number] {
  if (axis === 'slice') return [x, y, index];
  const k = lastSliceOnTop(grid) ? grid.slices - 1 - y : y;
  return axis === 'row' ? [x, index, k] : [index, x, k];
}
