/**
 * planVolume: an unevenly spaced series is resampled onto a regular grid (each plane between the two acquired slices
 * around it, the acquired ones kept as they are) instead of being refused; regular series and holes keep their slots.
 */
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { Tag } from '../../../../../common/dicom/tags';
import type { StackEntry } from '../../../../../renderer/imaging/imageIds';
import type { GpuCapabilities } from '../../../../../renderer/imaging/volume/capabilities';
import { planVolume } from '../../../../../renderer/imaging/volume/planVolume';

const gpu: GpuCapabilities = { renderer: 'test', max3DTextureSize: 2048, maxTextureSize: 16384, norm16: false, halfFloatChosen: false, softwareRasterizer: true };
const BUDGET = 1024 ** 3;

function entryAt(z: number, i: number, y = -16): StackEntry {
  const metadata: DicomJsonDataset = {
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: [`1.2.3.${i + 1}`] },
    [Tag.Rows]: { vr: 'US', Value: [64] },
    [Tag.Columns]: { vr: 'US', Value: [64] },
    [Tag.PixelSpacing]: { vr: 'DS', Value: [0.5, 0.5] },
    [Tag.ImageOrientationPatient]: { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
    [Tag.ImagePositionPatient]: { vr: 'DS', Value: [-16, y, z] },
    [Tag.FrameOfReferenceUID]: { vr: 'UI', Value: ['1.2.3'] },
    [Tag.BitsAllocated]: { vr: 'US', Value: [16] },
    [Tag.PixelRepresentation]: { vr: 'US', Value: [1] },
  };
  return { imageId: `wadors:http://x/studies/1/series/2/instances/1.2.3.${i + 1}/frames/1`, metadata };
}

const zOf = (slot: { entry: StackEntry } | { emptyAt: readonly number[] }) =>
  'entry' in slot ? Number(slot.entry.metadata[Tag.ImagePositionPatient]!.Value![2]) : slot.emptyAt[2]!;

describe('planVolume', () => {
  it('resamples uneven slices (gaps 1–29 mm) onto a regular grid of the median gap, with a notice of the range', () => {
    // Gaps 1, 2, 3, 29, 5, 8 mm: median (1, 2, 3, 5, 8, 29) = 4 mm; span 48 mm → 13 planes, 4 mm apart.
    const zs = [0, 1, 3, 6, 35, 40, 48];
    // Handed over in file order, not slice order (as the demo's file numbers are).
    const entries = [3, 0, 6, 1, 5, 2, 4].map((i) => entryAt(zs[i]!, i));
    const r = planVolume('s', 'CT', entries, gpu, BUDGET);
    if (!r.ok) throw new Error(r.refusal);
    const { slots, notices } = r.plan;
    expect(slots).toHaveLength(13);
    slots.forEach((s, i) => expect(zOf(s)).toBeCloseTo(i * 4, 6));
    // Acquired slices that fall on the grid are those slices; the others blend their two neighbours.
    const first = slots[0]!;
    expect('entry' in first && first.entry.imageId).toContain('1.2.3.1/');
    const last = slots[12]!;
    expect('entry' in last && last.entry.imageId).toContain('1.2.3.7/');
    // z = 20 lies between the slices at 6 and 35: 14/29 of the way.
    const mid = slots[5]!;
    if ('entry' in mid || !mid.blend) throw new Error('expected an interpolated plane at 20 mm');
    expect(mid.neighbour.imageId).toContain('1.2.3.4/');
    expect(mid.blend.upper.imageId).toContain('1.2.3.5/');
    expect(mid.blend.t).toBeCloseTo(14 / 29, 9);
    expect(notices.join(' ')).toMatch(/varies from 1 to 29 mm.*regular 4 mm grid/);
    expect(notices.join(' ')).not.toMatch(/spacing is uneven/);
  });

  it('uses the smallest gap when the reader chooses it', () => {
    // Gaps 1.5, 2.4, 2.1 mm (not multiples of one spacing). Median 2.1 → 4 planes (0, 2, 4, 6); smallest 1.5 → 5.
    const entries = [0, 1.5, 3.9, 6].map((z, i) => entryAt(z, i));
    const median = planVolume('s', 'CT', entries, gpu, BUDGET);
    const smallest = planVolume('s', 'CT', entries, gpu, BUDGET, 'smallest');
    if (!median.ok || !smallest.ok) throw new Error('refused');
    expect(median.plan.slots.map(zOf)).toEqual([0, 2, 4, 6]);
    expect(smallest.plan.slots.map(zOf)).toEqual([0, 1.5, 3, 4.5, 6]);
    // 0, 1.5 and 6 are acquired slices: kept as they are.
    expect(smallest.plan.slots.map((s) => 'entry' in s)).toEqual([true, true, false, false, true]);
    expect(median.plan.notices.join(' ')).toMatch(/varies from 1\.5 to 2\.4 mm.*regular 2 mm grid/);
  });

  it('keeps a regular series as it is, and a hole of whole slices as empty slots (not interpolated)', () => {
    const regular = planVolume('s', 'CT', [0, 2, 4, 6].map((z, i) => entryAt(z, i)), gpu, BUDGET);
    if (!regular.ok) throw new Error(regular.refusal);
    expect(regular.plan.slots.every((s) => 'entry' in s)).toBe(true);
    const holed = planVolume('s', 'CT', [0, 2, 4, 10, 12].map((z, i) => entryAt(z, i)), gpu, BUDGET);
    if (!holed.ok) throw new Error(holed.refusal);
    expect(holed.plan.slots.map(zOf)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(holed.plan.slots.filter((s) => !('entry' in s)).every((s) => !('entry' in s) && !s.blend)).toBe(true);
  });

  it('straightens a gantry-tilted stack: each slice moved in its plane back onto the normal through the first', () => {
    // 20° tilt: each 2 mm step in z moves the slice 2·tan 20° = 0.728 mm in y, i.e. 1.456 rows of 0.5 mm.
    const step = 2 * Math.tan((20 * Math.PI) / 180);
    const entries = Array.from({ length: 6 }, (_, i) => entryAt(2 * i, i, -16 - i * step));
    const r = planVolume('s', 'CT', entries, gpu, BUDGET);
    if (!r.ok) throw new Error(r.refusal);
    expect(r.plan.slots).toHaveLength(6);
    r.plan.slots.forEach((slot, i) => {
      if ('entry' in slot || !slot.shift) throw new Error('every slice of a tilted stack is straightened');
      // On the normal through the first slice: y stays at the first slice's, z is the slice's own.
      expect(slot.emptyAt[1]).toBeCloseTo(-16, 9);
      expect(slot.emptyAt[2]).toBeCloseTo(2 * i, 9);
      expect(slot.neighbour).toBe(entries[i]);
      // Its pixels move by the slice's offset: −i·step mm in y → −i·step / 0.5 rows (columns untouched).
      expect(slot.shift.neighbour[0]).toBeCloseTo(0, 9);
      expect(slot.shift.neighbour[1]).toBeCloseTo((-i * step) / 0.5, 9);
      expect(slot.blend).toBeUndefined();
    });
    expect(r.plan.notices.join(' ')).toMatch(/tilted by 20\.0°.*moved back in its plane.*up to 3\.6 mm/);
    expect(r.plan.notices.join(' ')).not.toMatch(/sheared/);
  });
});
