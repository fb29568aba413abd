import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { loaderMetadata } from '../../../../renderer/imaging/loaderMetadata';

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('metadata handed to the WADO-RS loader', () => {
  it('decodes inline palette LUT data (OW, 16-bit entries) to Value, which is all the loader reads', () => {
    const ds: DicomJsonDataset = {
      '00280004': { vr: 'CS', Value: ['PALETTE COLOR'] },
      '00281101': { vr: 'US', Value: [3, 0, 16] },
      '00281102': { vr: 'US', Value: [3, 0, 16] },
      '00281103': { vr: 'US', Value: [3, 0, 16] },
      '00281201': { vr: 'OW', InlineBinary: b64([0, 0, 0, 1, 0xff, 0xff]) },
      '00281202': { vr: 'OW', InlineBinary: b64([1, 0, 2, 0, 3, 0]) },
      '00281203': { vr: 'OW', InlineBinary: b64([0, 0x80, 0, 0, 0, 0]) },
    };
    const out = loaderMetadata(ds);
    expect(out['00281201']).toEqual({ vr: 'OW', Value: [0, 256, 65535] });
    expect(out['00281202']!.Value).toEqual([1, 2, 3]);
    expect(out['00281203']!.Value).toEqual([0x8000, 0, 0]);
    // The store's dataset is not changed: the loader gets a copy.
    expect(ds['00281201']!.Value).toBeUndefined();
    expect(out['00280004']).toBe(ds['00280004']);
  });

  it('reads one byte per entry when the data holds as many bytes as entries (8-bit LUT)', () => {
    const ds: DicomJsonDataset = { '00281101': { vr: 'US', Value: [4, 0, 8] }, '00281201': { vr: 'OW', InlineBinary: b64([10, 20, 30, 40]) } };
    expect(loaderMetadata(ds)['00281201']!.Value).toEqual([10, 20, 30, 40]);
  });

  it('leaves datasets without inline palettes as they are (the same object)', () => {
    const ds: DicomJsonDataset = { '00280004': { vr: 'CS', Value: ['MONOCHROME2'] }, '00281201': { vr: 'OW', Value: [1, 2] } };
    expect(loaderMetadata(ds)).toBe(ds);
  });
});
