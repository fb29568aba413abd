/**
 * SR fixtures written the way other viewers write them: dcmjs's cornerstone adapters (what OHIF exported with),
 * dcmjs's TID 300/1500 utilities (what @cornerstonejs/adapters build on, with units), and dcmjs.sr content items
 * (the highdicom-style TID 1410 layout). Then turned into DICOM JSON the way the app gets it: written as Part 10
 * by dcmjs and read back by our own reader (electron/services/dicom/datasetJson.ts), or denaturalized by dcmjs.
 */
import dcmjs from 'dcmjs';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { part10ToDicomJson } from '../../../../electron/services/dicom/datasetJson';
import { writeDcmjs } from '../../../support/dcmjsWrite';

type Naturalized = Record<string, unknown>;
type Ctor = new (props: Record<string, unknown>) => unknown;
interface ToolState {
  [imageId: string]: Record<string, { data: unknown[] }>;
}
interface Metadata {
  get(type: string, imageId: string): unknown;
}
/** The part of dcmjs 0.52 these fixtures use (types/dcmjs.d.ts declares only what the app uses). */
interface DcmjsSr {
  adapters: {
    Cornerstone3D: {
      MeasurementReport: {
        generateReport(state: ToolState, meta: Metadata, worldToImage: (id: string, p: number[]) => number[], options?: object): { dataset: Naturalized };
        /** dcmjs's own TID 1500 reader: annotations by tool name. */
        generateToolState(ds: Naturalized, imageIdsBySop: Record<string, string>, imageToWorld: (id: string, p: number[]) => number[], meta: Metadata): Record<string, { annotation: { data: { handles: { points: number[][] } } } }[]>;
      };
    };
    Cornerstone: { MeasurementReport: { generateReport(state: ToolState, meta: Metadata, options?: object): { dataset: Naturalized } } };
  };
  utilities: {
    TID300: Record<'Length' | 'Ellipse' | 'Point' | 'Polyline' | 'CobbAngle' | 'Circle' | 'Bidirectional', Ctor>;
    TID1500: {
      TID1500MeasurementReport: new (groups: { TID1501MeasurementGroups: unknown[] }, options?: object) => { contentItem(sources: Naturalized[], options?: object): Naturalized };
      TID1501MeasurementGroup: new (measurements: unknown[]) => unknown;
    };
  };
  derivations: { StructuredReport: new (sources: Naturalized[], options?: object) => { dataset: Naturalized } };
  sr: {
    coding: { CodedConcept: new (o: { value: string; meaning: string; schemeDesignator: string }) => object };
    valueTypes: Record<'ContainerContentItem' | 'TextContentItem' | 'UIDRefContentItem' | 'CodeContentItem' | 'NumContentItem', new (o: Record<string, unknown>) => Naturalized>;
    contentItems: Record<'ImageRegion' | 'ImageRegion3D' | 'SourceImageForRegion', new (o: Record<string, unknown>) => Naturalized>;
    templates: Record<string, new (o: Record<string, unknown>) => unknown[]>;
    documents: { Comprehensive3DSR: new (o: Record<string, unknown>) => Naturalized };
  };
  data: { DicomMetaDictionary: { denaturalizeDataset(ds: Naturalized): DicomJsonDataset; naturalizeDataset(ds: DicomJsonDataset): Naturalized } };
}
export const dcm = dcmjs as unknown as DcmjsSr;

export const STUDY_UID = '1.2.826.0.1.3680043.9.7777.19.1';
export const SERIES_UID = '1.2.826.0.1.3680043.9.7777.19.2';
export const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
export const ENHANCED_CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2.1';
export const sopUid = (n: number) => `1.2.826.0.1.3680043.9.7777.19.3.${n}`;

// ---------------------------------------------------------------------------------------------------------
// DICOM JSON, the way the app gets it

/** Part 10 written by dcmjs, read back by the app's own reader (what the archive serves as WADO-RS metadata). */
export function viaPart10(ds: Naturalized): DicomJsonDataset {
  return part10ToDicomJson(writeDcmjs(ds)).dataset;
}

/** dcmjs's own naturalized → DICOM JSON (numbers as strings, as dcmjs keeps them). */
export function viaDenaturalize(ds: Naturalized): DicomJsonDataset {
  const copy = { ...ds };
  delete copy._meta;
  delete copy._vrMap;
  return dcm.data.DicomMetaDictionary.denaturalizeDataset(copy);
}

// ---------------------------------------------------------------------------------------------------------
// The Cornerstone3D adapter (OHIF v3's export through dcmjs): world coordinates are image coordinates here.

export interface ImageSpec {
  imageId: string;
  sopInstanceUid: string;
  sopClassUid?: string;
  /** 1-based frame of a multi-frame instance. */
  frame?: number;
}

function metadataFor(images: readonly ImageSpec[]): Metadata {
  return {
    get(type, imageId) {
      const im = images.find((i) => i.imageId === imageId);
      if (!im) return undefined;
      if (type === 'sopCommonModule') return { sopInstanceUID: im.sopInstanceUid, sopClassUID: im.sopClassUid ?? CT_IMAGE };
      if (type === 'generalSeriesModule') return { studyInstanceUID: STUDY_UID, seriesInstanceUID: SERIES_UID };
      if (type === 'frameNumber') return im.frame;
      if (type === 'instance') return im.frame ? { NumberOfFrames: 10 } : { NumberOfFrames: 1 };
      return undefined;
    },
  };
}

/** A Cornerstone3D annotation as the adapter takes it (handles in world coordinates, stats by image id). */
export function cs3dAnnotation(imageId: string, points: number[][], stats: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { metadata: { referencedImageId: imageId }, data: { handles: { points }, cachedStats: { [`imageId:${imageId}`]: stats } }, ...extra };
}

export function cornerstone3dReport(images: readonly ImageSpec[], state: ToolState): Naturalized {
  const toImage = (_id: string, p: number[]) => [p[0]!, p[1]!];
  return dcm.adapters.Cornerstone3D.MeasurementReport.generateReport(state, metadataFor(images), toImage, {}).dataset;
}

/** The legacy cornerstoneTools 4 adapter (handles as {x, y}): Angle, RectangleRoi, Bidirectional… */
export function cornerstoneLegacyReport(images: readonly ImageSpec[], state: ToolState): Naturalized {
  return dcm.adapters.Cornerstone.MeasurementReport.generateReport(state, metadataFor(images), {}).dataset;
}

// ---------------------------------------------------------------------------------------------------------
// TID 300 utilities directly (what @cornerstonejs/adapters do, passing units dcmjs's own adapter drops)

export type Tid300Kind = 'Length' | 'Ellipse' | 'Point' | 'Polyline' | 'CobbAngle' | 'Circle' | 'Bidirectional';

export function tid300Report(measurements: readonly { kind: Tid300Kind; props: Record<string, unknown> }[]): Naturalized {
  const { TID1500MeasurementReport, TID1501MeasurementGroup } = dcm.utilities.TID1500;
  const groups = measurements.map((m) => new TID1501MeasurementGroup([new dcm.utilities.TID300[m.kind](m.props)]));
  const source: Naturalized = { StudyInstanceUID: STUDY_UID, SeriesInstanceUID: SERIES_UID, _meta: {}, _vrMap: { PixelData: 'OW' } };
  const report = new TID1500MeasurementReport({ TID1501MeasurementGroups: groups }, {});
  const sr = new dcm.derivations.StructuredReport([source]);
  return Object.assign(sr.dataset, report.contentItem([source]));
}

// ---------------------------------------------------------------------------------------------------------
// dcmjs.sr content items, laid out as TID 1410 (region beside the values, Derivation modifiers)

export function code(value: string, schemeDesignator: string, meaning: string): object {
  return new dcm.sr.coding.CodedConcept({ value, meaning, schemeDesignator });
}

/**
 * A TID 1410 planar ROI group with an ImageRegion3D (SCOORD3D POLYGON) and Mean/Area values, inside a dcmjs.sr
 * MeasurementReport and Comprehensive3DSR. The group is assembled by hand: dcmjs 0.52's own group templates throw
 * (see the tests).
 */
export function dcmjsSrPlanarRoiReport(o: { polygon: number[][]; frameOfReferenceUid: string; mean: number; area: number; trackingId: string; trackingUid: string }): Naturalized {
  const { valueTypes: VT, contentItems: CI, templates: T, documents } = dcm.sr;
  const group = new VT.ContainerContentItem({ name: code('125007', 'DCM', 'Measurement Group'), relationshipType: 'CONTAINS' });
  const mean = new VT.NumContentItem({ name: code('112031', 'DCM', 'Attenuation Coefficient'), value: o.mean, unit: code("[hnsf'U]", 'UCUM', 'Hounsfield unit'), relationshipType: 'CONTAINS' });
  mean.ContentSequence = [new VT.CodeContentItem({ name: code('121401', 'DCM', 'Derivation'), value: code('373098007', 'SCT', 'Mean'), relationshipType: 'HAS CONCEPT MOD' })];
  group.ContentSequence = [
    new VT.TextContentItem({ name: code('112039', 'DCM', 'Tracking Identifier'), value: o.trackingId, relationshipType: 'HAS OBS CONTEXT' }),
    new VT.UIDRefContentItem({ name: code('112040', 'DCM', 'Tracking Unique Identifier'), value: o.trackingUid, relationshipType: 'HAS OBS CONTEXT' }),
    new VT.CodeContentItem({ name: code('121071', 'DCM', 'Finding'), value: code('52988006', 'SCT', 'Lesion'), relationshipType: 'CONTAINS' }),
    new CI.ImageRegion3D({ graphicType: 'POLYGON', graphicData: o.polygon, frameOfReferenceUID: o.frameOfReferenceUid }),
    mean,
    new VT.NumContentItem({ name: code('42798000', 'SCT', 'Area'), value: o.area, unit: code('mm2', 'UCUM', 'square millimeter'), relationshipType: 'CONTAINS' }),
  ];
  const person = new T.PersonObserverIdentifyingAttributes!({ name: 'Yamada^Hanako' });
  const observer = new T.ObserverContext!({ observerType: code('121006', 'DCM', 'Person'), observerIdentifyingAttributes: person });
  const report = new T.MeasurementReport!({
    languageOfContentItemAndDescendants: new T.LanguageOfContentItemAndDescendants!({}),
    observationContext: new T.ObservationContext!({ observerPersonContext: observer }),
    procedureReported: code('363679005', 'SCT', 'Imaging procedure'),
    imagingMeasurements: [group],
  });
  return new documents.Comprehensive3DSR({
    content: report[0],
    evidence: [{ StudyInstanceUID: STUDY_UID, SeriesInstanceUID: SERIES_UID, SOPInstanceUID: sopUid(1), SOPClassUID: CT_IMAGE, PatientID: 'SR-19', PatientName: 'Test^SR' }],
    seriesInstanceUID: `${SERIES_UID}.9`,
    seriesNumber: 99,
    seriesDescription: 'Measurements',
    sopInstanceUID: `${SERIES_UID}.9.1`,
    instanceNumber: 1,
    manufacturer: 'test',
    isComplete: true,
  });
}
