/**
 * planVolumeMemory: native types from the rescale, texture fallbacks, decimation for the texture limit and the
 * budget (finest axis first, z on a tie), and properties: the plan always fits; nothing is decimated that fits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseNativeType, planVolumeMemory, rescaledRange, type VolumeMemoryInput } from '../../../../common/volume/memoryPlan';

const GiB = 1024 ** 3;
const gpu = { max3DTextureSize: 2048, hasNorm16: true, halfFloatChosen: false };
const ct = (over: Partial<VolumeMemoryInput> = {}): VolumeMemoryInput => ({
  rows: 512,
  columns: 512,
  slices: 300,
  bitsAllocated: 16,
  bitsStored: 12,
  pixelRepresentation: 0,
  rescale: [{ slope: 1, intercept: -1024 }],
  gpu,
  budgetBytes: 2 * GiB,
  ...over,
});

describe('native type', () => {
  it('CT in HU (integer slope and intercept) is Int16', () => {
    expect(chooseNativeType(ct())).toBe('Int16');
    expect(rescaledRange(ct())).toEqual({ min: -1024, max: 3071, integer: true });
    expect(chooseNativeType(ct({ pixelRepresentation: 1, bitsStored: 16, rescale: [{ slope: 1, intercept: 0 }] }))).toBe('Int16');
  });

  it('unsigned 16 bits without rescale is Uint16; 8 bits is Uint8', () => {
    expect(chooseNativeType(ct({ bitsStored: 16, rescale: [] }))).toBe('Uint16');
    expect(chooseNativeType(ct({ bitsAllocated: 8, bitsStored: 8, rescale: undefined }))).toBe('Uint8');
  });

  it('a non-integer slope or intercept anywhere (PET SUV, MR scaled) is Float32', () => {
    expect(chooseNativeType(ct({ rescale: [{ slope: 1, intercept: -1024 }, { slope: 0.5, intercept: 0 }] }))).toBe('Float32');
    expect(chooseNativeType(ct({ rescale: [{ slope: 1, intercept: 0.5 }] }))).toBe('Float32');
  });

  it('an integer range no 16-bit type holds is Float32', () => {
    expect(chooseNativeType(ct({ bitsStored: 16, rescale: [{ slope: 1, intercept: -1024 }] }))).toBe('Float32');
    expect(chooseNativeType(ct({ rescale: [{ slope: 100, intercept: 0 }] }))).toBe('Float32');
  });
});

describe('textures', () => {
  it('norm16 for 16-bit integers when the extension is there', () => {
    const plan = planVolumeMemory(ct());
    expect(plan).toMatchObject({ nativeType: 'Int16', textureFormat: 'norm16', cpuBytes: 512 * 512 * 300 * 2, gpuBytes: 512 * 512 * 300 * 2 });
    expect(plan.decimation).toEqual({ x: 1, y: 1, z: 1 });
    expect(plan.notice).toBeUndefined();
    expect(plan.fallbackNote).toBeUndefined();
  });

  it('without norm16: float32 textures, twice the GPU memory, said so', () => {
    const plan = planVolumeMemory(ct({ gpu: { ...gpu, hasNorm16: false } }));
    expect(plan.textureFormat).toBe('float32');
    expect(plan.gpuBytes).toBe(2 * plan.cpuBytes);
    expect(plan.fallbackNote).toBe('EXT_texture_norm16 is not available: using 32-bit float textures (2× the GPU memory).');
  });

  it('without norm16 but half floats chosen: half-float, with a precision note when CT values pass 2048', () => {
    const plan = planVolumeMemory(ct({ gpu: { ...gpu, hasNorm16: false, halfFloatChosen: true } }));
    expect(plan.textureFormat).toBe('half-float');
    expect(plan.gpuBytes).toBe(plan.cpuBytes);
    expect(plan.fallbackNote).toMatch(/exact only up to ±2048/);
    const mr = planVolumeMemory(ct({ bitsStored: 11, rescale: [], gpu: { ...gpu, hasNorm16: false, halfFloatChosen: true } }));
    expect(mr.fallbackNote).toBeUndefined();
  });

  it('Float32 data: float32 textures, or half-float when chosen', () => {
    expect(planVolumeMemory(ct({ rescale: [{ slope: 0.25, intercept: 0 }] })).textureFormat).toBe('float32');
    expect(planVolumeMemory(ct({ rescale: [{ slope: 0.25, intercept: 0 }], gpu: { ...gpu, halfFloatChosen: true } })).textureFormat).toBe('half-float');
  });

  it('8-bit data: uint8', () => {
    expect(planVolumeMemory(ct({ bitsAllocated: 8, bitsStored: 8, rescale: [] }))).toMatchObject({ nativeType: 'Uint8', textureFormat: 'uint8', cpuBytes: 512 * 512 * 300 });
  });
});

describe('decimation', () => {
  it('3000 thin CT slices over a 2048 texture limit: half resolution in z', () => {
    const plan = planVolumeMemory(ct({ slices: 3000, budgetBytes: 4 * GiB }));
    expect(plan.decimation).toEqual({ x: 1, y: 1, z: 2 });
    expect(plan.dimensions).toEqual({ columns: 512, rows: 512, slices: 1500 });
    expect(plan.notice).toBe('Volume 512×512×3000 exceeds the GPU 3D texture limit 2048: shown at half resolution in z.');
  });

  it('over budget with thin slices: z first, in-plane once z is coarser than the pixels', () => {
    const spacingMm = { row: 0.7, column: 0.7, slice: 0.5 };
    const full = 512 * 512 * 1000 * 2;
    const half = planVolumeMemory(ct({ slices: 1000, spacingMm, budgetBytes: full / 2 }));
    expect(half.decimation).toEqual({ x: 1, y: 1, z: 2 });
    expect(half.notice).toBe('Volume 512×512×1000 needs 500 MB, more than the 250 MB available: shown at half resolution in z.');
    const quarter = planVolumeMemory(ct({ slices: 1000, spacingMm, budgetBytes: full / 4 }));
    expect(quarter.decimation).toEqual({ x: 2, y: 2, z: 2 });
    expect(quarter.notice).toMatch(/shown at half resolution in-plane and half resolution in z\.$/);
  });

  it('thick slices (5 mm) are never thinned before the pixels', () => {
    const plan = planVolumeMemory(ct({ slices: 60, spacingMm: { row: 0.8, column: 0.8, slice: 5 }, budgetBytes: 512 * 512 * 60 * 2 / 3 }));
    expect(plan.decimation).toEqual({ x: 2, y: 2, z: 1 });
  });

  it('a too-small budget says so', () => {
    const plan = planVolumeMemory(ct({ budgetBytes: 1 }));
    expect(plan.fits).toBe(false);
    expect(plan.notice).toBe('The volume cannot fit the 1 byte available, even at the lowest resolution.');
  });

  it('rejects nonsense sizes', () => {
    expect(() => planVolumeMemory(ct({ rows: 0 }))).toThrow(RangeError);
    expect(() => planVolumeMemory(ct({ slices: 2.5 }))).toThrow('slices must be a positive integer (got 2.5).');
    expect(() => planVolumeMemory(ct({ bitsAllocated: 12 }))).toThrow(RangeError);
  });
});

describe('properties', () => {
  const input = fc.record({
    rows: fc.integer({ min: 1, max: 4096 }),
    columns: fc.integer({ min: 1, max: 4096 }),
    slices: fc.integer({ min: 1, max: 6000 }),
    bitsAllocated: fc.constantFrom(8, 16, 32),
    bitsStored: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
    pixelRepresentation: fc.constantFrom(0, 1),
    rescale: fc.array(fc.record({ slope: fc.oneof(fc.constant(1), fc.integer({ min: -4, max: 4 }), fc.double({ min: -4, max: 4, noNaN: true })), intercept: fc.oneof(fc.integer({ min: -2048, max: 2048 }), fc.double({ min: -2048, max: 2048, noNaN: true })) }), { maxLength: 3 }),
    spacingMm: fc.option(fc.record({ row: fc.double({ min: 0.1, max: 5, noNaN: true }), column: fc.double({ min: 0.1, max: 5, noNaN: true }), slice: fc.double({ min: 0.1, max: 10, noNaN: true }) }), { nil: undefined }),
    gpu: fc.record({ max3DTextureSize: fc.integer({ min: 256, max: 4096 }), hasNorm16: fc.boolean(), halfFloatChosen: fc.boolean() }),
    budgetBytes: fc.integer({ min: 4, max: 8 * GiB }),
  });

  it('the plan always fits the texture limit and the budget; a notice exactly when decimated', () => {
    fc.assert(
      fc.property(input, (i) => {
        const plan = planVolumeMemory(i);
        const { columns, rows, slices } = plan.dimensions;
        expect(plan.fits).toBe(true);
        expect(Math.max(columns, rows, slices)).toBeLessThanOrEqual(i.gpu.max3DTextureSize);
        expect(plan.cpuBytes).toBeLessThanOrEqual(i.budgetBytes);
        expect(plan.gpuBytes).toBeLessThanOrEqual(i.budgetBytes);
        expect(columns).toBe(Math.ceil(i.columns / plan.decimation.x));
        expect(plan.cpuBytes).toBe(columns * rows * slices * plan.bytesPerVoxel.cpu);
        const decimated = plan.decimation.x > 1 || plan.decimation.y > 1 || plan.decimation.z > 1;
        expect(decimated).toBe(plan.notice !== undefined);
      }),
      { numRuns: 1000 },
    );
  });

  it('no decimation when the full volume fits', () => {
    fc.assert(
      fc.property(input, (i) => {
        const first = planVolumeMemory({ ...i, budgetBytes: 64 * GiB });
        const per = Math.max(first.bytesPerVoxel.cpu, first.bytesPerVoxel.gpu);
        const fitsLimit = Math.max(i.rows, i.columns, i.slices) <= i.gpu.max3DTextureSize;
        const budget = i.rows * i.columns * i.slices * per;
        fc.pre(fitsLimit);
        const plan = planVolumeMemory({ ...i, budgetBytes: budget });
        expect(plan.decimation).toEqual({ x: 1, y: 1, z: 1 });
        expect(plan.notice).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
