/**
 * A report series over the data plane (issue #19): its instances' full metadata (WADO-RS series metadata, sequences
 * included: an SR's content tree is in there), an encapsulated document's bytes (inline, or the bulk data route),
 * and what the study listings say about the images an SR refers to (for "Image 12 of series …" labels).
 */
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../common/dicom/dicomwebPaths';
import { Tag } from '../../../common/dicom/tags';
import { isSafeUid } from '../../../common/dicom/uid';
import { readMeasurementReport, readSrContentTree, type MeasurementReportResult, type SrDocument } from '../../../common/sr';
import { dataPlaneGet, getDicomJson } from '../../platform/dicomweb';
import type { DataPlane } from '../../platform/platform';
import { bulkDataValue, documentBytes, EncapsulatedTag, encapsulatedDocumentInfo, type EncapsulatedDocumentInfo } from './model/encapsulatedDocument';
import { evidenceLocations, imageInfoFromListings, type ImageInfo, type ImageLocation } from './model/imageRefs';

/** The encapsulated document storage classes share this root (PDF .1, CDA .2, STL .3, OBJ .4, MTL .5). */
const ENCAPSULATED_DOCUMENT_CLASSES = '1.2.840.10008.5.1.4.1.1.104.';

interface LoadedBase {
  ds: DicomJsonDataset;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

export type LoadedReport =
  | (LoadedBase & {
      kind: 'sr';
      doc: SrDocument;
      /** The measurements when the document is a TID 1500 report. */
      measurements?: Extract<MeasurementReportResult, { kind: 'measurement-report' }>;
      /** SOP Instance UID → study and series, from the document's evidence. */
      evidence: Map<string, ImageLocation>;
    })
  | (LoadedBase & { kind: 'document'; info: EncapsulatedDocumentInfo });

function isDocument(ds: DicomJsonDataset): boolean {
  const sopClass = getString(ds, Tag.SOPClassUID)?.trim();
  // Any encapsulated document class (PDF, CDA, STL, OBJ, MTL: 1.2.840.10008.5.1.4.1.1.104.x), or a DOC instance.
  return sopClass?.startsWith(ENCAPSULATED_DOCUMENT_CLASSES) === true || getString(ds, Tag.Modality)?.trim().toUpperCase() === 'DOC';
}

/** Every instance of the series as a report, in Instance Number order (then as listed). */
export async function loadReportSeries(plane: DataPlane, study: string, series: string, signal: AbortSignal): Promise<LoadedReport[]> {
  const meta = await getDicomJson(plane, dicomwebPath.seriesMetadata(study, series), signal);
  const order = (ds: DicomJsonDataset) => Number(getString(ds, Tag.InstanceNumber) ?? Number.MAX_SAFE_INTEGER) || 0;
  const sorted = meta.items.map((ds, i) => ({ ds, i })).sort((a, b) => order(a.ds) - order(b.ds) || a.i - b.i);
  return sorted.map(({ ds }): LoadedReport => {
    const base: LoadedBase = {
      ds,
      studyInstanceUid: getString(ds, Tag.StudyInstanceUID)?.trim() || study,
      seriesInstanceUid: getString(ds, Tag.SeriesInstanceUID)?.trim() || series,
      sopInstanceUid: getString(ds, Tag.SOPInstanceUID)?.trim() ?? '',
    };
    if (isDocument(ds)) return { ...base, kind: 'document', info: encapsulatedDocumentInfo(ds) };
    // readSrContentTree never throws: what cannot be read is an 'invalid' node in its place.
    const doc = readSrContentTree(ds);
    const m = readMeasurementReport(doc);
    return { ...base, kind: 'sr', doc, evidence: evidenceLocations(ds), ...(m.kind === 'measurement-report' ? { measurements: m } : {}) };
  });
}

/** The encapsulated document's bytes: inline from the metadata, else the Encapsulated Document as bulk data. */
export async function loadDocumentBytes(plane: DataPlane, report: Extract<LoadedReport, { kind: 'document' }>, signal: AbortSignal): Promise<Uint8Array> {
  if (report.info.inline) return documentBytes(report.info.inline, report.info.length);
  const path = dicomwebPath.bulkData(report.studyInstanceUid, report.seriesInstanceUid, report.sopInstanceUid, EncapsulatedTag.EncapsulatedDocument);
  const res = await dataPlaneGet(plane, path, 'multipart/related; type="application/octet-stream"', signal);
  return documentBytes(bulkDataValue(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type')), report.info.length);
}

/**
 * What the listings of `studies` say about their instances (SOP UID → series, instance number, series description).
 * A study that cannot be listed adds nothing: its references keep a plainer label.
 */
export async function loadImageInfo(plane: DataPlane, studies: readonly string[], signal: AbortSignal): Promise<Map<string, ImageInfo>> {
  const out = new Map<string, ImageInfo>();
  await Promise.all(
    // UIDs from the document's evidence are checked before they become a path (the gateway would refuse them anyway).
    [...new Set(studies)].filter((s) => isSafeUid(s)).map(async (study) => {
      try {
        const [instances, series] = await Promise.all([getDicomJson(plane, `/studies/${study}/instances`, signal), getDicomJson(plane, dicomwebPath.series(study), signal)]);
        for (const [sop, info] of imageInfoFromListings(study, instances.items, series.items)) out.set(sop, info);
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        // Not listable (a node that is down): the labels fall back to the UIDs.
      }
    }),
  );
  return out;
}
