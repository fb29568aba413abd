/**
 * How a volume will sit in memory, decided before any pixel is fetched: the typed array on the CPU, the 3D texture
 * on the GPU, and — when the volume does not fit the GPU's 3D texture size or the memory budget — how much to
 * decimate it, with a sentence the viewer shows the user.
 *
 * Pure and isomorphic; the renderer gathers the GPU facts (MAX_3D_TEXTURE_SIZE, EXT_texture_norm16, whether
 * cornerstone was configured for half-float textures) and the series facts, and follows the plan.
 */

export type NativeType = 'Uint8' | 'Int16' | 'Uint16' | 'Float32';
/** 'uint8' = R8, 'norm16' = R16 (S)NORM via EXT_texture_norm16, 'half-float' = R16F, 'float32' = R32F. */
export type TextureFormat = 'uint8' | 'norm16' | 'half-float' | 'float32';

export interface Rescale {
  slope: number;
  intercept: number;
}

export interface VolumeMemoryInput {
  rows: number;
  columns: number;
  slices: number;
  /** 8, 16 or 32. */
  bitsAllocated: number;
  /** Bits Stored (0028,0101); defaults to bitsAllocated. CT is usually 12 of 16. */
  bitsStored?: number;
  /** 0 = unsigned, 1 = two's complement. */
  pixelRepresentation: number;
  /** Rescale Slope/Intercept per slice (or one for all); empty or absent = identity. */
  rescale?: readonly Rescale[];
  /** Voxel size in mm; lets decimation coarsen the finest axis first. Absent: in-plane and z are treated alike. */
  spacingMm?: { row: number; column: number; slice: number };
  gpu: {
    /** MAX_3D_TEXTURE_SIZE (WebGL2: at least 256, usually 2048). */
    max3DTextureSize: number;
    /** EXT_texture_norm16: 16-bit integer data as a 16-bit normalized texture. */
    hasNorm16: boolean;
    /** cornerstone configured for half-float textures (preferSizeOverAccuracy). */
    halfFloatChosen: boolean;
  };
  /** Most bytes the volume may take, on the CPU and (separately) on the GPU. */
  budgetBytes: number;
}

export interface VolumeMemoryPlan {
  nativeType: NativeType;
  textureFormat: TextureFormat;
  /** Bytes per voxel of the typed array and of the texture. */
  bytesPerVoxel: { cpu: number; gpu: number };
  /** Integer factors per axis, 1 = full resolution (x = columns, y = rows, z = slices). */
  decimation: { x: number; y: number; z: number };
  /** The dimensions after decimation: ceil(dimension / factor). */
  dimensions: { columns: number; rows: number; slices: number };
  cpuBytes: number;
  gpuBytes: number;
  /** False only when not even one voxel fits the budget. */
  fits: boolean;
  /** Why and how the volume is shown at less than full resolution (for the user). */
  notice?: string;
  /** A texture fallback that costs memory or precision (for the user). */
  fallbackNote?: string;
}

const BYTES: Record<NativeType, number> = { Uint8: 1, Int16: 2, Uint16: 2, Float32: 4 };
const TEXTURE_BYTES: Record<TextureFormat, number> = { uint8: 1, norm16: 2, 'half-float': 2, float32: 4 };

/** Bytes per texel of a 3D texture in this format. */
export function bytesPerTexel(format: TextureFormat): number {
  return TEXTURE_BYTES[format];
}
/** Half floats have an 11-bit significand: every integer up to 2048 in magnitude is exact, not beyond. */
const HALF_FLOAT_EXACT = 2048;

function requirePositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer (got ${v}).`);
}

/** The range of stored values, then of rescaled values; whether every rescaled value is an integer. */
export function rescaledRange(input: Pick<VolumeMemoryInput, 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation' | 'rescale'>): {
  min: number;
  max: number;
  integer: boolean;
} {
  const bits = Math.min(input.bitsStored ?? input.bitsAllocated, input.bitsAllocated, 32);
  const storedMin = input.pixelRepresentation === 1 ? -(2 ** (bits - 1)) : 0;
  const storedMax = input.pixelRepresentation === 1 ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const rescales = input.rescale && input.rescale.length > 0 ? input.rescale : [{ slope: 1, intercept: 0 }];
  let min = Infinity;
  let max = -Infinity;
  let integer = true;
  for (const { slope, intercept } of rescales) {
    if (!Number.isFinite(slope) || !Number.isFinite(intercept)) {
      integer = false;
      continue;
    }
    if (!Number.isInteger(slope) || !Number.isInteger(intercept)) integer = false;
    const a = slope * storedMin + intercept;
    const b = slope * storedMax + intercept;
    min = Math.min(min, a, b);
    max = Math.max(max, a, b);
  }
  if (!Number.isFinite(min)) return { min: storedMin, max: storedMax, integer: false };
  return { min, max, integer };
}

/**
 * The typed array that holds rescaled values without loss: integers stay integers (CT in HU is Int16: 12 stored
 * bits with intercept −1024 give −1024…3071), Float32 only when a slope or intercept is not an integer or the
 * range fits no 16-bit type.
 */
export function chooseNativeType(input: Pick<VolumeMemoryInput, 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation' | 'rescale'>): NativeType {
  const { min, max, integer } = rescaledRange(input);
  if (!integer) return 'Float32';
  if (input.bitsAllocated <= 8 && min >= 0 && max <= 255) return 'Uint8';
  if (min >= -32768 && max <= 32767) return 'Int16';
  if (min >= 0 && max <= 65535) return 'Uint16';
  return 'Float32';
}

/**
 * The texture format the renderer uploads voxels of this native type as: 8 bits stay 8 bits, 16-bit integers use
 * EXT_texture_norm16 where the GPU has it, half floats only when the reader chose them, 32-bit floats otherwise.
 */
export function textureFormatFor(native: NativeType, gpu: Pick<VolumeMemoryInput['gpu'], 'hasNorm16' | 'halfFloatChosen'>): TextureFormat {
  if (native === 'Uint8') return 'uint8';
  if (native !== 'Float32' && gpu.hasNorm16) return 'norm16';
  return gpu.halfFloatChosen ? 'half-float' : 'float32';
}

function textureFor(native: NativeType, gpu: VolumeMemoryInput['gpu'], range: { min: number; max: number }): { format: TextureFormat; note?: string } {
  const format = textureFormatFor(native, gpu);
  if (format === 'uint8' || format === 'norm16') return { format };
  if (native === 'Float32') {
    return format === 'half-float' ? { format, note: 'Half-float textures are in use: values are shown with about 3 significant digits.' } : { format };
  }
  if (format === 'half-float') {
    const exact = range.min >= -HALF_FLOAT_EXACT && range.max <= HALF_FLOAT_EXACT;
    return {
      format,
      note: exact
        ? undefined
        : `EXT_texture_norm16 is not available: using half-float textures, which are exact only up to ±${HALF_FLOAT_EXACT} (values beyond are rounded on screen; measurements use the exact values).`,
    };
  }
  return { format, note: 'EXT_texture_norm16 is not available: using 32-bit float textures (2× the GPU memory).' };
}

/** "half", "a third of the", "1/5 of the" — to be followed by "resolution". */
const FRACTIONS: Record<number, string> = { 2: 'half', 3: 'a third of the', 4: 'a quarter of the' };
const fraction = (f: number) => FRACTIONS[f] ?? `1/${f} of the`;

function describeDecimation(d: { x: number; y: number; z: number }): string {
  const parts: string[] = [];
  if (d.x > 1 && d.x === d.y) parts.push(`${fraction(d.x)} resolution in-plane`);
  else {
    if (d.x > 1) parts.push(`${fraction(d.x)} resolution across columns`);
    if (d.y > 1) parts.push(`${fraction(d.y)} resolution across rows`);
  }
  if (d.z > 1) parts.push(`${fraction(d.z)} resolution in z`);
  return parts.join(' and ');
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const formatBytes = (b: number) => (b >= GiB ? `${(b / GiB).toFixed(1)} GB` : b >= MiB ? `${Math.ceil(b / MiB)} MB` : `${b} byte${b === 1 ? "" : "s"}`);

/**
 * Plans the volume's memory. Decimation uses the smallest integer factors that fit each axis into the 3D texture
 * limit and the whole volume into the budget (on the CPU and on the GPU).
 *
 * Which axis to coarsen first: the one whose voxels are finest in mm, and on a tie z. Radiologists read mostly
 * in-plane (axial CT at 0.6–0.8 mm pixels): halving in-plane resolution blurs small nodules and fracture lines on
 * every image, whereas thin-slice CT (0.5–0.625 mm) reconstructed at 1–1.25 mm is still the thickness many
 * reads use. So a 512×512×3000 CT at 0.7 × 0.7 × 0.5 mm loses z resolution first; in-plane only follows once z
 * is coarser than the pixels. In-plane factors stay equal (square pixels) unless the texture limit forces one axis.
 */
export function planVolumeMemory(input: VolumeMemoryInput): VolumeMemoryPlan {
  requirePositiveInt('rows', input.rows);
  requirePositiveInt('columns', input.columns);
  requirePositiveInt('slices', input.slices);
  requirePositiveInt('max3DTextureSize', input.gpu.max3DTextureSize);
  if (![8, 16, 32].includes(input.bitsAllocated)) throw new RangeError(`bitsAllocated must be 8, 16 or 32 (got ${input.bitsAllocated}).`);
  if (!(input.budgetBytes >= 0)) throw new RangeError(`budgetBytes must not be negative (got ${input.budgetBytes}).`);

  const nativeType = input.bitsAllocated === 32 ? 'Float32' : chooseNativeType(input);
  const range = rescaledRange(input);
  const texture = textureFor(nativeType, input.gpu, range);
  const cpuPer = BYTES[nativeType];
  const gpuPer = TEXTURE_BYTES[texture.format];
  const perVoxel = Math.max(cpuPer, gpuPer);
  const limit = input.gpu.max3DTextureSize;
  const { columns, rows, slices } = input;
  const dims = (d: { x: number; y: number; z: number }) => ({
    columns: Math.ceil(columns / d.x),
    rows: Math.ceil(rows / d.y),
    slices: Math.ceil(slices / d.z),
  });
  const voxels = (d: { x: number; y: number; z: number }) => {
    const m = dims(d);
    return m.columns * m.rows * m.slices;
  };

  // The texture limit: the least factor per axis.
  const d = { x: Math.ceil(columns / limit), y: Math.ceil(rows / limit), z: Math.ceil(slices / limit) };
  const byLimit = { ...d };
  // Square pixels in-plane when nothing forces otherwise.
  const s = input.spacingMm;
  const sx = s && s.column > 0 ? s.column : 1;
  const sy = s && s.row > 0 ? s.row : 1;
  const sz = s && s.slice > 0 ? s.slice : 1;
  const maxVoxels = Math.floor(input.budgetBytes / perVoxel);
  let fits = true;
  while (voxels(d) > maxVoxels) {
    const canZ = d.z < slices;
    const canXY = d.x < columns || d.y < rows;
    if (!canZ && !canXY) {
      fits = false;
      break;
    }
    const zMm = sz * d.z;
    const xyMm = Math.min(d.x < columns ? sx * d.x : Infinity, d.y < rows ? sy * d.y : Infinity);
    if (canZ && (!canXY || zMm <= xyMm)) d.z++;
    else {
      // Coarsen in-plane, keeping the two factors together (the smaller catches up first).
      if (d.x < d.y && d.x < columns) d.x++;
      else if (d.y < d.x && d.y < rows) d.y++;
      else {
        if (d.x < columns) d.x++;
        if (d.y < rows) d.y++;
      }
    }
  }

  const out = dims(d);
  const n = out.columns * out.rows * out.slices;
  const plan: VolumeMemoryPlan = {
    nativeType,
    textureFormat: texture.format,
    bytesPerVoxel: { cpu: cpuPer, gpu: gpuPer },
    decimation: d,
    dimensions: out,
    cpuBytes: n * cpuPer,
    gpuBytes: n * gpuPer,
    fits,
  };
  if (texture.note) plan.fallbackNote = texture.note;
  if (d.x > 1 || d.y > 1 || d.z > 1) {
    const size = `${columns}×${rows}×${slices}`;
    const overLimit = byLimit.x > 1 || byLimit.y > 1 || byLimit.z > 1;
    const fullBytes = columns * rows * slices * perVoxel;
    const reasons: string[] = [];
    if (overLimit) reasons.push(`exceeds the GPU 3D texture limit ${limit}`);
    if (fullBytes > input.budgetBytes) reasons.push(`needs ${formatBytes(fullBytes)}, more than the ${formatBytes(input.budgetBytes)} available`);
    plan.notice = `Volume ${size} ${reasons.join(' and ')}: shown at ${describeDecimation(d)}.`;
  }
  if (!fits) plan.notice = `The volume cannot fit the ${formatBytes(input.budgetBytes)} available, even at the lowest resolution.`;
  return plan;
}
