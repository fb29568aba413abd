import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { storedDvhs } from '../../../../common/rt/storedDvh';

const item = (type: string, data: number[], extra: DicomJsonDataset = {}): DicomJsonDataset => ({
  '30040060': { vr: 'SQ', Value: [{ '30060084': { vr: 'IS', Value: [2] } }] },
  '30040001': { vr: 'CS', Value: [type] },
  '30040002': { vr: 'CS', Value: ['GY'] },
  '30040052': { vr: 'DS', Value: [1] },
  '30040054': { vr: 'CS', Value: ['CM3'] },
  '30040058': { vr: 'DS', Value: data },
  ...extra,
});

describe('storedDvhs', () => {
  it('reads a cumulative DVH as volume at each bin’s lower edge', () => {
    const { dvhs } = storedDvhs({ '30040050': { vr: 'SQ', Value: [item('CUMULATIVE', [1, 10, 1, 8, 1, 2])] } });
    expect(dvhs).toEqual([{ roiNumber: 2, type: 'CUMULATIVE', volumeUnits: 'CM3', cumulative: [[0, 10], [1, 8], [2, 2]] }]);
  });
  it('sums a differential DVH from the top, and applies DVH Dose Scaling', () => {
    const { dvhs } = storedDvhs({ '30040050': { vr: 'SQ', Value: [item('DIFFERENTIAL', [100, 2, 100, 6, 100, 2], { '30040052': { vr: 'DS', Value: [0.01] } })] } });
    expect(dvhs[0]!.cumulative).toEqual([[0, 10], [1, 8], [2, 2]]);
  });
  it('says why it leaves a DVH out', () => {
    const { dvhs, skipped } = storedDvhs({ '30040050': { vr: 'SQ', Value: [item('CUMULATIVE', [1, 2], { '30040002': { vr: 'CS', Value: ['RELATIVE'] } }), item('NATURAL', [1, 2]), item('CUMULATIVE', [1])] } });
    expect(dvhs).toEqual([]);
    expect(skipped).toHaveLength(3);
    expect(skipped[0]).toMatch(/not Gy/);
  });
});
