/**
 * Where a report's image references point (issue #19). An SR's IMAGE item names only the SOP instance; the study and
 * series it is in come from the document's evidence (Current Requested Procedure Evidence and Pertinent Other
 * Evidence, PS3.3 C.17.2), or, when a writer left that out, from a listing of the study's instances. A reference
 * reads "Image 12 of series Chest 1.0" with the instance number and series description when they are known.
 */
import { getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { walkSrTree, type SrImageRef, type SrNode } from '../../../../common/sr';
import type { JumpToImage } from '../jumpEvent';
import type { Translate } from './format';

export interface ImageLocation {
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

/** What the panel knows about a referenced image, for its label. */
export interface ImageInfo extends ImageLocation {
  instanceNumber?: string;
  seriesNumber?: string;
  seriesDescription?: string;
}

const EvidenceTag = {
  CurrentRequestedProcedureEvidenceSequence: '0040A375',
  PertinentOtherEvidenceSequence: '0040A385',
  ReferencedSeriesSequence: '00081115',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPInstanceUID: '00081155',
} as const;

function items(ds: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  const v = ds[tag]?.Value;
  return Array.isArray(v) ? v.filter((x): x is DicomJsonDataset => typeof x === 'object' && x !== null && !Array.isArray(x) && !('Alphabetic' in x)) : [];
}

/** SOP Instance UID → its study and series, from the SR's evidence sequences. Malformed items are skipped. */
export function evidenceLocations(ds: DicomJsonDataset): Map<string, ImageLocation> {
  const out = new Map<string, ImageLocation>();
  for (const tag of [EvidenceTag.CurrentRequestedProcedureEvidenceSequence, EvidenceTag.PertinentOtherEvidenceSequence]) {
    for (const study of items(ds, tag)) {
      const studyInstanceUid = getString(study, Tag.StudyInstanceUID)?.trim();
      if (!studyInstanceUid) continue;
      for (const series of items(study, EvidenceTag.ReferencedSeriesSequence)) {
        const seriesInstanceUid = getString(series, Tag.SeriesInstanceUID)?.trim();
        if (!seriesInstanceUid) continue;
        for (const sop of items(series, EvidenceTag.ReferencedSOPSequence)) {
          const uid = getString(sop, EvidenceTag.ReferencedSOPInstanceUID)?.trim();
          if (uid && !out.has(uid)) out.set(uid, { studyInstanceUid, seriesInstanceUid });
        }
      }
    }
  }
  return out;
}

/** The distinct images a content tree refers to (IMAGE items and the images SCOORDs are drawn on), in document order. */
export function referencedImages(root: SrNode): SrImageRef[] {
  const seen = new Set<string>();
  const out: SrImageRef[] = [];
  walkSrTree(root, (n) => {
    const ref = n.kind === 'image' ? n.image : n.kind === 'scoord' ? n.image : undefined;
    if (ref && !seen.has(ref.sopInstanceUid)) {
      seen.add(ref.sopInstanceUid);
      out.push(ref);
    }
  });
  return out;
}

/**
 * SOP Instance UID → what a study's QIDO listings say of it: `instances` from /studies/{st}/instances (series UID,
 * instance number), `series` from /studies/{st}/series (number, description).
 */
export function imageInfoFromListings(studyInstanceUid: string, instances: readonly DicomJsonDataset[], series: readonly DicomJsonDataset[]): Map<string, ImageInfo> {
  const bySeries = new Map<string, DicomJsonDataset>();
  for (const s of series) {
    const uid = getString(s, Tag.SeriesInstanceUID)?.trim();
    if (uid) bySeries.set(uid, s);
  }
  const out = new Map<string, ImageInfo>();
  for (const i of instances) {
    const sop = getString(i, Tag.SOPInstanceUID)?.trim();
    const seriesInstanceUid = getString(i, Tag.SeriesInstanceUID)?.trim();
    if (!sop || !seriesInstanceUid) continue;
    const s = bySeries.get(seriesInstanceUid);
    const info: ImageInfo = { studyInstanceUid, seriesInstanceUid };
    const instanceNumber = getString(i, Tag.InstanceNumber)?.trim();
    const seriesNumber = s && getString(s, Tag.SeriesNumber)?.trim();
    const seriesDescription = s && getString(s, Tag.SeriesDescription)?.trim();
    if (instanceNumber) info.instanceNumber = instanceNumber;
    if (seriesNumber) info.seriesNumber = seriesNumber;
    if (seriesDescription) info.seriesDescription = seriesDescription;
    out.set(sop, info);
  }
  return out;
}

/** The end of a UID, enough to tell references apart when nothing else is known ("…4.5.1234"). */
export function uidTail(uid: string): string {
  return uid.length > 16 ? `…${uid.slice(-14)}` : uid;
}

/**
 * "Image 12 of series Chest 1.0" (or "… frame 3 …"); the series number stands in for a missing description, and an
 * image the panel could not find reads by the end of its UID.
 */
export function imageLabel(t: Translate, ref: SrImageRef, info: ImageInfo | undefined, frame?: number): string {
  if (!info) return t('reports.tree.imageUnknown', { uid: uidTail(ref.sopInstanceUid) });
  const number = info.instanceNumber ?? uidTail(ref.sopInstanceUid);
  const series = info.seriesDescription ?? (info.seriesNumber ? `#${info.seriesNumber}` : uidTail(info.seriesInstanceUid));
  return frame !== undefined ? t('reports.tree.imageFrame', { number, frame, series }) : t('reports.tree.image', { number, series });
}

/** What the viewer is asked to show for a reference; undefined when the image's series is not known (no jump). */
export function jumpTarget(ref: SrImageRef, location: ImageLocation | undefined, frame?: number): JumpToImage | undefined {
  if (!location) return undefined;
  const f = frame ?? ref.frames?.[0];
  return { studyInstanceUid: location.studyInstanceUid, seriesInstanceUid: location.seriesInstanceUid, sopInstanceUid: ref.sopInstanceUid, ...(f !== undefined ? { frame: f } : {}) };
}
