/**
 * The SUV Real World Value Mapping writer (electron/services/suv/rwvm.ts), issue #7: the instance passes dciodvfy
 * without errors, and read back with dcmjs its mapping is the SUV engine's factor (times the instance's Rescale
 * Slope, since an RWVM maps stored values), its units and quantity are those of the SUV type, every PET image is
 * referenced once, and the corrections come back with who, when, old → new and why.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { computeSeriesSuv, type SuvResult } from '../../../common/suv';
import { part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import {
  RWVM_PROVENANCE_TAG,
  RWVM_SOP_CLASS_UID,
  RwvmError,
  writeSuvRwvm,
  type SuvCorrection,
  type SuvRwvmRequest,
} from '../../../electron/services/suv/rwvm';
import { writePetCtPhantom, type PetCtPhantom } from '../../support/petCtPhantom';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { dciodvfy } from './dciodvfy';

interface Naturalized {
  [key: string]: unknown;
}
const data = (dcmjs as unknown as {
  data: {
    DicomMessage: { readFile(b: ArrayBuffer): { dict: unknown; meta: unknown } };
    DicomMetaDictionary: { naturalizeDataset(ds: unknown): Naturalized };
  };
}).data;

function readBack(bytes: Uint8Array): { ds: Naturalized; raw: Record<string, { Value?: unknown[] }>; meta: Naturalized } {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const dict = data.DicomMessage.readFile(buf);
  return {
    ds: data.DicomMetaDictionary.naturalizeDataset(dict.dict),
    raw: dict.dict as Record<string, { Value?: unknown[] }>,
    meta: data.DicomMetaDictionary.naturalizeDataset(dict.meta),
  };
}

interface MappingItem {
  RealWorldValueMappingSequence: Naturalized[];
  ReferencedImageSequence: { ReferencedSOPClassUID: string; ReferencedSOPInstanceUID: string }[];
}

/** dcmjs gives a one-item sequence as an object with the item's attributes (and still indexable); normalise. */
function items<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [v as T];
}

const WEIGHT_CORRECTION: SuvCorrection = {
  input: 'weight',
  oldValue: 66.2,
  newValue: 70,
  user: 'Sato^Hanako',
  at: '2024-01-16T10:02:00+09:00',
  reason: 'weight typed at the scanner was last year\'s',
};

describe('SUV Real World Value Mapping', () => {
  let dir: string | undefined;
  let phantom: PetCtPhantom;
  let headers: DicomJsonDataset[];

  beforeAll(async () => {
    dir = await makeTempDir('dokuei-rwvm-');
    // The scanner was given 66.2 kg; the reader corrects it to 70 kg.
    phantom = writePetCtPhantom(path.join(dir, 'phantom'), { weightKg: 66.2, pet: { slices: 40 } });
    headers = phantom.petFiles.map((f) => part10ToDicomJson(new Uint8Array(readFileSync(f))).dataset);
  });
  afterAll(async () => removeDir(dir));

  function request(results: SuvResult[], extra: Partial<SuvRwvmRequest> = {}): SuvRwvmRequest {
    const type = extra.suvType ?? 'bw';
    const h0 = headers[0]!;
    return {
      patient: { name: { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' }, id: getString(h0, Tag.PatientID), sex: 'M' },
      study: { studyInstanceUid: getString(h0, Tag.StudyInstanceUID)!, studyId: 'PHANTOM1', studyDate: '20240115', studyTime: '095500' },
      petSeries: {
        seriesInstanceUid: getString(h0, Tag.SeriesInstanceUID)!,
        frameOfReferenceUid: getString(h0, Tag.FrameOfReferenceUID),
        instances: headers.map((h, i) => ({
          sopInstanceUid: getString(h, Tag.SOPInstanceUID)!,
          factor: results[i]!.factors[type]!,
          rescaleSlope: results[i]!.rescale.slope,
          rescaleIntercept: results[i]!.rescale.intercept,
        })),
      },
      suvType: type,
      ...extra,
    };
  }

  it('corrected weight 66.2 → 70: per-slice mappings of stored values, dciodvfy without errors, provenance kept', async () => {
    const before = computeSeriesSuv(headers);
    const after = computeSeriesSuv(headers, { weightKg: 70 });
    const bytes = writeSuvRwvm(request(after, { corrections: [WEIGHT_CORRECTION], sopInstanceUid: '2.25.99', seriesInstanceUid: '2.25.98' }));
    const file = path.join(dir!, 'rwvm-corrected.dcm');
    writeFileSync(file, bytes);

    const v = await dciodvfy(file);
    expect(v.output).toMatch(/RealWorldValueMapping/);
    expect(v.errors).toEqual([]);
    // The one expected warning: dciodvfy does not know our private provenance element.
    for (const w of v.warnings) expect(w).toMatch(/Unrecognized tag/);

    const { ds, raw, meta } = readBack(bytes);
    expect(meta.MediaStorageSOPClassUID).toBe(RWVM_SOP_CLASS_UID);
    expect(ds.SOPClassUID).toBe(RWVM_SOP_CLASS_UID);
    expect(ds.SOPInstanceUID).toBe('2.25.99');
    expect(ds.SeriesInstanceUID).toBe('2.25.98');
    expect(ds.Modality).toBe('RWV');
    expect(ds.StudyInstanceUID).toBe(phantom.truth.studyInstanceUid);
    expect(JSON.stringify(ds.PatientName)).toContain('山田^太郎');
    expect(ds.ContentDescription).toBe('SUVbw; corrected weight 66.2->70');
    expect(JSON.stringify(ds.ContentCreatorName)).toContain('Sato^Hanako');

    const mappings = items<MappingItem>(ds.ReferencedImageRealWorldValueMappingSequence);
    // Two stored → SUV mappings: slices through the spheres (slope 0.6625) and the others (0.165625); the slices
    // outside the phantom have slope 1.
    const byUid = new Map<string, Naturalized>();
    for (const m of mappings) {
      const rwv = items<Naturalized>(m.RealWorldValueMappingSequence);
      expect(rwv).toHaveLength(1);
      for (const ref of items<{ ReferencedSOPClassUID: string; ReferencedSOPInstanceUID: string }>(m.ReferencedImageSequence)) {
        expect(ref.ReferencedSOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.128');
        expect(byUid.has(ref.ReferencedSOPInstanceUID)).toBe(false);
        byUid.set(ref.ReferencedSOPInstanceUID, rwv[0]!);
      }
    }
    expect(mappings.length).toBe(3);
    expect(byUid.size).toBe(headers.length);
    headers.forEach((h, i) => {
      const item = byUid.get(getString(h, Tag.SOPInstanceUID)!)!;
      const r = after[i]!;
      // The slope is the factor applied to stored values: Rescale Slope × SUVbw factor, exactly as computed.
      expect(item.RealWorldValueSlope).toBe(r.rescale.slope * r.factors.bw!);
      expect(item.RealWorldValueIntercept).toBe(0);
      expect(item.RealWorldValueFirstValueMapped).toBe(-32768);
      expect(item.RealWorldValueLastValueMapped).toBe(32767);
      expect(item.LUTLabel).toBe('SUVbw');
      expect(item.LUTExplanation).toBe('Standardized Uptake Value body weight (corrected)');
      expect(items(item.MeasurementUnitsCodeSequence)[0]).toMatchObject({ CodeValue: 'g/ml', CodingSchemeDesignator: 'UCUM' });
      const q = items<Naturalized>(item.QuantityDefinitionSequence)[0]!;
      expect(q.ValueType).toBe('CODE');
      expect(items(q.ConceptNameCodeSequence)[0]).toMatchObject({ CodeValue: '246205007', CodingSchemeDesignator: 'SCT' });
      expect(items(q.ConceptCodeSequence)[0]).toMatchObject({ CodeValue: '126401', CodingSchemeDesignator: 'DCM', CodeMeaning: 'SUVbw' });
      // The correction scales every SUV by 70 / 66.2.
      expect((item.RealWorldValueSlope as number) / (before[i]!.rescale.slope * before[i]!.factors.bw!)).toBeCloseTo(70 / 66.2, 12);
    });
    // The largest sphere through the mapping: stored 32000 in its slices → the truth with 70 kg.
    const sphereSlice = after.findIndex((r) => r.rescale.slope === 0.6625);
    const suv = 32000 * (byUid.get(getString(headers[sphereSlice]!, Tag.SOPInstanceUID)!)!.RealWorldValueSlope as number);
    expect(suv / ((phantom.truth.spheres[5]!.suvBw * 70) / 66.2)).toBeCloseTo(1, 9);

    // Common Instance Reference: the PET series and all its instances.
    const refSeries = items<Naturalized>(ds.ReferencedSeriesSequence);
    expect(refSeries[0]!.SeriesInstanceUID).toBe(phantom.truth.pet.seriesInstanceUid);
    expect(items(refSeries[0]!.ReferencedInstanceSequence)).toHaveLength(headers.length);

    // Provenance in full.
    const provenance = JSON.parse(String(raw[RWVM_PROVENANCE_TAG]?.Value?.[0])) as { suvType: string; corrections: SuvCorrection[] };
    expect(provenance).toEqual({ suvType: 'bw', corrections: [WEIGHT_CORRECTION] });
  });

  it('one factor, unsigned pixels, no rescale: one mapping whose slope is the factor', async () => {
    const factor = 2.7633746e-4;
    const bytes = writeSuvRwvm({
      patient: { name: 'PHANTOM^NEMA IEC', id: 'X' },
      study: { studyInstanceUid: '2.25.10', studyId: 'S1', studyDate: '20240115', studyTime: '095500' },
      petSeries: { seriesInstanceUid: '2.25.11', instances: [{ sopInstanceUid: '2.25.11.1' }, { sopInstanceUid: '2.25.11.2' }] },
      factor,
      suvType: 'bw',
      pixelRepresentation: 0,
      contentCreator: 'Dokuei^SUV',
    });
    const file = path.join(dir!, 'rwvm-one.dcm');
    writeFileSync(file, bytes);
    const v = await dciodvfy(file);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
    const { ds, raw } = readBack(bytes);
    const mappings = items<MappingItem>(ds.ReferencedImageRealWorldValueMappingSequence);
    expect(mappings).toHaveLength(1);
    const item = items<Naturalized>(mappings[0]!.RealWorldValueMappingSequence)[0]!;
    expect(item.RealWorldValueSlope).toBe(factor);
    expect(item.RealWorldValueFirstValueMapped).toBe(0);
    expect(item.RealWorldValueLastValueMapped).toBe(65535);
    expect(items(mappings[0]!.ReferencedImageSequence)).toHaveLength(2);
    expect(ds.ContentDescription).toBe('SUVbw from the PET header');
    expect(raw[RWVM_PROVENANCE_TAG]).toBeUndefined();
  });

  it('SUVbsa in cm2/ml (UCUM, or CID 85 on request), quantity 126403', async () => {
    const results = computeSeriesSuv(headers);
    for (const unitsStyle of ['ucum', 'cid85'] as const) {
      const bytes = writeSuvRwvm({
        ...request(results, { suvType: 'bsa', unitsStyle }),
      });
      const file = path.join(dir!, `rwvm-bsa-${unitsStyle}.dcm`);
      writeFileSync(file, bytes);
      expect((await dciodvfy(file)).errors).toEqual([]);
      const item = items<Naturalized>(items<MappingItem>(readBack(bytes).ds.ReferencedImageRealWorldValueMappingSequence)[0]!.RealWorldValueMappingSequence)[0]!;
      expect(items(item.MeasurementUnitsCodeSequence)[0]).toMatchObject({
        CodeValue: unitsStyle === 'ucum' ? 'cm2/ml' : 'cm2/ml{SUVbsa}',
        CodingSchemeDesignator: 'UCUM',
      });
      expect(items(items<Naturalized>(item.QuantityDefinitionSequence)[0]!.ConceptCodeSequence)[0]).toMatchObject({ CodeValue: '126403' });
      expect(item.LUTLabel).toBe('SUVbsa');
    }
  });

  it('refuses what it cannot write, saying why', () => {
    const base: SuvRwvmRequest = {
      patient: {},
      study: { studyInstanceUid: '2.25.1' },
      petSeries: { seriesInstanceUid: '2.25.2', instances: [{ sopInstanceUid: '2.25.2.1' }] },
      factor: 1e-4,
      suvType: 'bw',
    };
    expect(() => writeSuvRwvm({ ...base, factor: undefined })).toThrow(RwvmError);
    expect(() => writeSuvRwvm({ ...base, factor: Number.NaN })).toThrow(/no usable SUV factor/);
    expect(() => writeSuvRwvm({ ...base, study: { studyInstanceUid: '1.02.x' } })).toThrow(/not a valid UID/);
    expect(() => writeSuvRwvm({ ...base, petSeries: { seriesInstanceUid: '2.25.2', instances: [] } })).toThrow(/no PET instance/);
    expect(writeSuvRwvm(base).byteLength).toBeGreaterThan(500);
  });
});
