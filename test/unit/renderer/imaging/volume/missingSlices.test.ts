/** Empty slots are forgotten when the last volume using them closes (the module map must not grow per volume opened). */
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { emptySlotCount, emptySlotImageId, releaseEmptySlots } from '../../../../../renderer/imaging/volume/missingSlices';

const neighbour = {
  imageId: 'wadors:http://x/studies/1/series/2/instances/3/frames/1',
  metadata: { '00280010': { vr: 'US', Value: [4] }, '00280011': { vr: 'US', Value: [4] }, '00080018': { vr: 'UI', Value: ['1.2.3'] } } as unknown as DicomJsonDataset,
};

describe('empty slot bookkeeping', () => {
  it('keeps a slot while any volume uses it and forgets it after the last one closes', () => {
    const before = emptySlotCount();
    const a = [emptySlotImageId('series-a', 5, [0, 0, 10], neighbour), emptySlotImageId('series-a', 9, [0, 0, 18], neighbour)];
    // A second view of the same series (MPR and fusion at once) gets the same ids.
    const b = [emptySlotImageId('series-a', 5, [0, 0, 10], neighbour), emptySlotImageId('series-a', 9, [0, 0, 18], neighbour)];
    expect(b).toEqual(a);
    expect(emptySlotCount()).toBe(before + 2);
    releaseEmptySlots(a);
    expect(emptySlotCount()).toBe(before + 2);
    releaseEmptySlots(b);
    expect(emptySlotCount()).toBe(before);
    // Releasing again (or ids that were never slots) is harmless.
    releaseEmptySlots([...b, 'wadors:other']);
    expect(emptySlotCount()).toBe(before);
  });
});
