import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { parseRtPlan } from '../../../../common/rt/rtPlan';

const sq = (...items: DicomJsonDataset[]) => ({ vr: 'SQ', Value: items });
const beam = (n: number, gantry: number): DicomJsonDataset => ({
  '300A00C0': { vr: 'IS', Value: [n] },
  '300A00C2': { vr: 'LO', Value: [`G${gantry}`] },
  '300A00C4': { vr: 'CS', Value: ['STATIC'] },
  '300A00C6': { vr: 'CS', Value: ['PHOTON'] },
  '300A0111': sq({ '300A0114': { vr: 'DS', Value: [6] }, '300A011E': { vr: 'DS', Value: [gantry] }, '300A0120': { vr: 'DS', Value: [0] }, '300A0122': { vr: 'DS', Value: [0] }, '300A012C': { vr: 'DS', Value: [1, 2, 3] } }),
});

describe('parseRtPlan', () => {
  it('reads the prescription, the fractions and each beam with its MU from the fraction group', () => {
    const plan = parseRtPlan({
      '300A0002': { vr: 'SH', Value: ['BREAST'] },
      '300A0010': sq({ '300A0026': { vr: 'DS', Value: [50] } }),
      '300A0070': sq({ '300A0078': { vr: 'IS', Value: [25] }, '300C0004': sq({ '300C0006': { vr: 'IS', Value: [1] }, '300A0086': { vr: 'DS', Value: [100.5] } }, { '300C0006': { vr: 'IS', Value: [2] }, '300A0086': { vr: 'DS', Value: [110] } }) }),
      '300A00B0': sq(beam(1, 0), beam(2, 120)),
    });
    expect(plan).toEqual({
      label: 'BREAST',
      prescriptionGy: 50,
      fractions: 25,
      beams: [
        { number: 1, name: 'G0', type: 'STATIC', radiation: 'PHOTON', energyMeV: 6, gantryDeg: 0, collimatorDeg: 0, couchDeg: 0, mu: 100.5, isocentre: [1, 2, 3] },
        { number: 2, name: 'G120', type: 'STATIC', radiation: 'PHOTON', energyMeV: 6, gantryDeg: 120, collimatorDeg: 0, couchDeg: 0, mu: 110, isocentre: [1, 2, 3] },
      ],
    });
  });
  it('a plan without a dose reference has no prescription (the reader types one)', () => {
    expect(parseRtPlan({ '300A00B0': sq(beam(1, 0)) }).prescriptionGy).toBeUndefined();
  });
});
