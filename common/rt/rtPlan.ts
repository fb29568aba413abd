/**
 * RT Plan (PS3.3 A.20, C.8.8.9–C.8.8.14) → what a physicist checks first: the prescription, the fractions and the
 * beams (name, type, radiation, energy, gantry/collimator/couch angles, MU, isocentre). Photon/electron plans
 * (Beam Sequence); an ion plan's Ion Beam Sequence is read the same way where the attributes coincide.
 */
import { getNumber, getNumbers, getString, type DicomJsonDataset, type DicomJsonValue } from '../dicom/dicomJson';

const T = {
  RTPlanLabel: '300A0002',
  DoseReferenceSequence: '300A0010',
  TargetPrescriptionDose: '300A0026',
  DeliveryMaximumDose: '300A0023',
  FractionGroupSequence: '300A0070',
  NumberOfFractionsPlanned: '300A0078',
  ReferencedBeamSequence: '300C0004',
  ReferencedBeamNumber: '300C0006',
  BeamMeterset: '300A0086',
  BeamSequence: '300A00B0',
  IonBeamSequence: '300A03A2',
  BeamNumber: '300A00C0',
  BeamName: '300A00C2',
  BeamType: '300A00C4',
  RadiationType: '300A00C6',
  ControlPointSequence: '300A0111',
  IonControlPointSequence: '300A03A8',
  NominalBeamEnergy: '300A0114',
  GantryAngle: '300A011E',
  BeamLimitingDeviceAngle: '300A0120',
  PatientSupportAngle: '300A0122',
  IsocenterPosition: '300A012C',
  PatientSetupSequence: '300A0180',
  PatientPosition: '00185100',
} as const;

export interface PlanBeam {
  number: number;
  name: string;
  type?: string;
  radiation?: string;
  energyMeV?: number;
  gantryDeg?: number;
  collimatorDeg?: number;
  couchDeg?: number;
  mu?: number;
  isocentre?: [number, number, number];
}

export interface RtPlan {
  label?: string;
  /** Gy, from the Dose Reference Sequence's Target Prescription Dose (else its Delivery Maximum Dose). */
  prescriptionGy?: number;
  fractions?: number;
  /** Patient Position of the (first) patient setup: HFS, FFS, HFP… */
  patientPosition?: string;
  beams: PlanBeam[];
}

function items(ds: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  const v = ds[tag]?.Value as DicomJsonValue[] | undefined;
  return (v ?? []).filter((x): x is DicomJsonDataset => typeof x === 'object' && x !== null && !('Alphabetic' in x));
}

export function parseRtPlan(ds: DicomJsonDataset): RtPlan {
  const refs = items(ds, T.DoseReferenceSequence);
  const prescription = refs.map((r) => getNumber(r, T.TargetPrescriptionDose)).find((v) => v !== undefined && v > 0) ?? refs.map((r) => getNumber(r, T.DeliveryMaximumDose)).find((v) => v !== undefined && v > 0);
  const group = items(ds, T.FractionGroupSequence)[0];
  const mu = new Map<number, number>();
  for (const rb of group ? items(group, T.ReferencedBeamSequence) : []) {
    const n = getNumber(rb, T.ReferencedBeamNumber);
    const m = getNumber(rb, T.BeamMeterset);
    if (n !== undefined && m !== undefined) mu.set(n, m);
  }
  const beamItems = [...items(ds, T.BeamSequence), ...items(ds, T.IonBeamSequence)];
  const beams = beamItems.map((b): PlanBeam => {
    const number = getNumber(b, T.BeamNumber) ?? 0;
    const cp = items(b, T.ControlPointSequence)[0] ?? items(b, T.IonControlPointSequence)[0] ?? {};
    const iso = getNumbers(cp, T.IsocenterPosition, 3);
    const beam: PlanBeam = { number, name: getString(b, T.BeamName)?.trim() || `Beam ${number}` };
    const set = <K extends keyof PlanBeam>(k: K, v: PlanBeam[K] | undefined) => {
      if (v !== undefined) beam[k] = v;
    };
    set('type', getString(b, T.BeamType)?.trim());
    set('radiation', getString(b, T.RadiationType)?.trim());
    set('energyMeV', getNumber(cp, T.NominalBeamEnergy));
    set('gantryDeg', getNumber(cp, T.GantryAngle));
    set('collimatorDeg', getNumber(cp, T.BeamLimitingDeviceAngle));
    set('couchDeg', getNumber(cp, T.PatientSupportAngle));
    set('mu', mu.get(number));
    set('isocentre', iso as [number, number, number] | undefined);
    return beam;
  });
  const label = getString(ds, T.RTPlanLabel)?.trim();
  const fractions = group ? getNumber(group, T.NumberOfFractionsPlanned) : undefined;
  const patientPosition = getString(items(ds, T.PatientSetupSequence)[0] ?? {}, T.PatientPosition)?.trim();
  return {
    ...(label ? { label } : {}),
    ...(prescription !== undefined ? { prescriptionGy: prescription } : {}),
    ...(fractions !== undefined ? { fractions } : {}),
    ...(patientPosition ? { patientPosition } : {}),
    beams,
  };
}
