import { describe, expect, it } from 'vitest';
import { sortInstancesForStack } from '../../../../renderer/imaging/stackOrder';
import { stackEntries, frameImageId } from '../../../../renderer/imaging/imageIds';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';

const axial = [1, 0, 0, 0, 1, 0];
const inst = (sop: string, z: number | undefined, n: number, frames?: number): DicomJsonDataset => ({
  '0020000D': { vr: 'UI', Value: ['1.2'] },
  '0020000E': { vr: 'UI', Value: ['1.2.3'] },
  '00080018': { vr: 'UI', Value: [sop] },
  '00200013': { vr: 'IS', Value: [n] },
  ...(z === undefined ? {} : { '00200032': { vr: 'DS', Value: [0, 0, z] }, '00200037': { vr: 'DS', Value: axial } }),
  ...(frames ? { '00280008': { vr: 'IS', Value: [frames] } } : {}),
});

describe('stack order and image ids', () => {
  it('orders by position along the normal (head first), not by instance number', () => {
    const sorted = sortInstancesForStack([inst('1.1', -100, 1), inst('1.3', 50, 3), inst('1.2', -20, 2)]);
    expect(sorted.map((d) => d['00080018']!.Value![0])).toEqual(['1.3', '1.2', '1.1']);
  });

  it('falls back to instance number when geometry is missing', () => {
    const sorted = sortInstancesForStack([inst('1.3', undefined, 3), inst('1.1', undefined, 1), inst('1.2', -5, 2)]);
    expect(sorted.map((d) => d['00080018']!.Value![0])).toEqual(['1.1', '1.2', '1.3']);
  });

  it('builds one wadors id per frame against the data plane', () => {
    const entries = stackEntries('dicomweb://local', [inst('1.1', 0, 1), inst('1.9', undefined, 2, 3)]);
    expect(entries.map((e) => e.imageId)).toEqual([
      'wadors:dicomweb://local/studies/1.2/series/1.2.3/instances/1.1/frames/1',
      'wadors:dicomweb://local/studies/1.2/series/1.2.3/instances/1.9/frames/1',
      'wadors:dicomweb://local/studies/1.2/series/1.2.3/instances/1.9/frames/2',
      'wadors:dicomweb://local/studies/1.2/series/1.2.3/instances/1.9/frames/3',
    ]);
    expect(() => frameImageId('x', '1.2', '../..', '1.1', 1)).toThrow(/malformed UID/);
  });
});
