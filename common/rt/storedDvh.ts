/**
 * The DVHs a planning system stored in the RT Dose (DVH Sequence 3004,0050; PS3.3 C.8.8.4), as cumulative curves
 * in Gy and cm³, so `dokuei dvh` and the viewer can put them beside the ones computed here and print the largest
 * difference.
 *
 * DVH Data (3004,0058) is bin width / volume pairs. Read as dicompyler-core reads it: bin n spans from the sum of
 * the widths before it to that sum plus its width, and for a CUMULATIVE DVH its volume is the volume receiving at
 * least the bin's lower edge; a DIFFERENTIAL DVH's volumes are summed from the top to make the cumulative curve.
 * Dose is scaled by DVH Dose Scaling and must be in GY; PERCENT volumes are turned into cm³ with the structure's
 * volume when the caller knows it.
 */
import { getNumber, getNumbers, getString, type DicomJsonDataset, type DicomJsonValue } from '../dicom/dicomJson';
import { volumeAtDose, type Dvh } from './dvh';

const T = {
  DVHSequence: '30040050',
  DVHReferencedROISequence: '30040060',
  ReferencedROINumber: '30060084',
  DVHType: '30040001',
  DoseUnits: '30040002',
  DVHDoseScaling: '30040052',
  DVHVolumeUnits: '30040054',
  DVHData: '30040058',
} as const;

export interface StoredDvh {
  roiNumber: number;
  type: 'CUMULATIVE' | 'DIFFERENTIAL' | 'NATURAL';
  volumeUnits: string;
  /** [Gy, volume in volumeUnits] at each bin's lower edge, cumulative. */
  cumulative: [number, number][];
}

function items(ds: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  const v = ds[tag]?.Value as DicomJsonValue[] | undefined;
  return (v ?? []).filter((x): x is DicomJsonDataset => typeof x === 'object' && x !== null && !('Alphabetic' in x));
}

/** The stored DVHs this reader can compare (Gy doses; cumulative or differential), with why others were left out. */
export function storedDvhs(ds: DicomJsonDataset): { dvhs: StoredDvh[]; skipped: string[] } {
  const dvhs: StoredDvh[] = [];
  const skipped: string[] = [];
  for (const item of items(ds, T.DVHSequence)) {
    const roiNumber = getNumber(items(item, T.DVHReferencedROISequence)[0] ?? {}, T.ReferencedROINumber);
    const type = getString(item, T.DVHType)?.trim().toUpperCase() as StoredDvh['type'] | undefined;
    const units = getString(item, T.DoseUnits)?.trim().toUpperCase();
    const data = getNumbers(item, T.DVHData) ?? [];
    const scaling = getNumber(item, T.DVHDoseScaling) ?? 1;
    if (roiNumber === undefined) {
      skipped.push('A stored DVH names no ROI and was left out.');
      continue;
    }
    if (units !== 'GY') {
      skipped.push(`The stored DVH of ROI ${roiNumber} is in ${units || 'no'} dose units, not Gy: not compared.`);
      continue;
    }
    if (type !== 'CUMULATIVE' && type !== 'DIFFERENTIAL') {
      skipped.push(`The stored DVH of ROI ${roiNumber} is ${type || 'of no type'}: only cumulative and differential DVHs are compared.`);
      continue;
    }
    if (data.length < 2 || data.length % 2 !== 0) {
      skipped.push(`The stored DVH of ROI ${roiNumber} has no bin width/volume pairs.`);
      continue;
    }
    const edges: number[] = [];
    const vols: number[] = [];
    let d = 0;
    for (let i = 0; i < data.length; i += 2) {
      edges.push(d * scaling);
      vols.push(data[i + 1]!);
      d += data[i]!;
    }
    if (type === 'DIFFERENTIAL') {
      for (let i = vols.length - 2; i >= 0; i--) vols[i] = vols[i]! + vols[i + 1]!;
    }
    dvhs.push({ roiNumber, type, volumeUnits: getString(item, T.DVHVolumeUnits)?.trim().toUpperCase() ?? 'CM3', cumulative: edges.map((e, i) => [e, vols[i]!]) });
  }
  return { dvhs, skipped };
}

export interface StoredComparison {
  type: StoredDvh['type'];
  /** Largest |computed − stored| volume over the stored curve's doses (cm³), its share of the structure, and where. */
  maxVolumeDifferenceCc: number;
  maxVolumeDifferencePercent: number;
  atGy: number;
  /** The stored curve in [Gy, cm³] (PERCENT volumes converted with the computed volume). */
  cumulative: [number, number][];
}

/** The computed DVH against the stored one (`dokuei dvh`'s `stored`, the viewer's DVH panel); null without one. */
export function compareWithStored(dvh: Pick<Dvh, 'volumeCc' | 'maxGy' | 'cumulative'>, stored: StoredDvh | undefined): StoredComparison | null {
  if (!stored) return null;
  const toCc = (v: number) => (stored.volumeUnits === 'PERCENT' ? (v / 100) * dvh.volumeCc : v);
  const cumulative = stored.cumulative.map(([d, v]) => [d, toCc(v)] as [number, number]);
  let worst = { cc: 0, at: 0 };
  for (const [d, v] of cumulative) {
    if (d > dvh.maxGy + 1e-9 && v === 0) continue;
    const diff = Math.abs(volumeAtDose(dvh.cumulative, d) - v);
    if (diff > worst.cc) worst = { cc: diff, at: d };
  }
  return {
    type: stored.type,
    maxVolumeDifferenceCc: worst.cc,
    maxVolumeDifferencePercent: dvh.volumeCc > 0 ? (worst.cc / dvh.volumeCc) * 100 : 0,
    atGy: worst.at,
    cumulative,
  };
}
