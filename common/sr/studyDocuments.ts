/**
 * The measurement reports and key object documents of a study, as the viewer finds them on reopening (issue #19).
 *
 * Versions: every save of the viewer writes a new SR (a new SOP instance: an SR is never changed in place, and a
 * PACS keeps the first copy of a UID it has) whose Predecessor Documents Sequence (0040,A360) names the SRs it
 * includes — its own previous version and any other viewer's report it drew. The study's current measurements are
 * those of the reports no other report names as predecessor (the leaves), so a deletion lasts, and a report from
 * elsewhere that arrived later is added, not lost.
 *
 * Key images: a Key Object Selection document has no predecessor sequence in its IOD; the viewer writes a new
 * version of one document per title, and the newest of Dokuei's per title is the current one. Documents of other
 * writers are shown as they are.
 *
 * Unmarking a title's last key image: a KO must select at least one instance, so there is no empty version. The
 * viewer writes an IHE IOCM rejection note instead (a KO titled from CID 7011, e.g. "Rejected for Quality Reasons",
 * whose items are the rejected documents). A rejected document is not shown, from this viewer or any other writer;
 * a PACS that implements IOCM hides it as well. A rejection note is never shown as key images itself.
 */
import type { DicomJsonDataset } from '../dicom/dicomJson';
import { getString } from '../dicom/dicomJson';
import { Tag } from '../dicom/tags';
import { readSrContentTree, walkSrTree, type SrCode } from './contentTree';
import { KEY_IMAGE_TITLES, type KeyImageTitle } from './savedMeasurements';

export const KEY_OBJECT_SELECTION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.59';
/** Series descriptions the viewer gives its own documents: how it knows its versions from other writers' documents. */
export const DOKUEI_MEASUREMENTS_SERIES = 'Dokuei measurements';
export const DOKUEI_KEY_IMAGES_SERIES = 'Dokuei key images';

const T = {
  predecessors: '0040A360',
  evidence: '0040A375',
  pertinentOther: '0040A385',
  referencedSeries: '00081115',
  referencedSop: '00081199',
  refSopClass: '00081150',
  refSopInstance: '00081155',
  instanceNumber: '00200013',
  contentDate: '00080023',
  contentTime: '00080033',
  seriesDescription: '0008103E',
};

type Items = DicomJsonDataset[];
const items = (ds: DicomJsonDataset, tag: string): Items => (ds[tag]?.Value ?? []).filter((v): v is DicomJsonDataset => typeof v === 'object' && v !== null && !Array.isArray(v));
const str = (ds: DicomJsonDataset, tag: string) => getString(ds, tag)?.trim() || undefined;

export interface InstanceInSeries {
  studyInstanceUid?: string;
  seriesInstanceUid: string;
  sopClassUid?: string;
  sopInstanceUid: string;
}

/** The instances a Hierarchical SOP Instance Reference sequence names (evidence, predecessors). */
function hierarchicalRefs(ds: DicomJsonDataset, tag: string): InstanceInSeries[] {
  const out: InstanceInSeries[] = [];
  for (const study of items(ds, tag)) {
    const studyUid = str(study, Tag.StudyInstanceUID);
    for (const series of items(study, T.referencedSeries)) {
      const seriesUid = str(series, Tag.SeriesInstanceUID);
      if (!seriesUid) continue;
      for (const sop of items(series, T.referencedSop)) {
        const uid = str(sop, T.refSopInstance);
        if (!uid) continue;
        const cls = str(sop, T.refSopClass);
        out.push({ ...(studyUid ? { studyInstanceUid: studyUid } : {}), seriesInstanceUid: seriesUid, ...(cls ? { sopClassUid: cls } : {}), sopInstanceUid: uid });
      }
    }
  }
  return out;
}

/** The SOP Instance UIDs of the documents this one includes (Predecessor Documents Sequence). */
export function predecessorsOf(ds: DicomJsonDataset): string[] {
  return hierarchicalRefs(ds, T.predecessors).map((r) => r.sopInstanceUid);
}

/** Where the instances an SR references are (its evidence sequences): SOP Instance UID → series and class. */
export function evidenceOf(ds: DicomJsonDataset): Map<string, InstanceInSeries> {
  return new Map([...hierarchicalRefs(ds, T.evidence), ...hierarchicalRefs(ds, T.pertinentOther)].map((r) => [r.sopInstanceUid, r]));
}

/** "YYYYMMDDHHMMSSffffff" of Content Date/Time and the instance number, to order versions. */
function versionKey(ds: DicomJsonDataset): string {
  const date = (str(ds, T.contentDate) ?? '').padEnd(8, '0');
  // HH, HHMM, HHMMSS and HHMMSS.F… alike: whole seconds and fraction padded apart, so "093000.5" is after "093000".
  const [hms = '', fraction = ''] = (str(ds, T.contentTime) ?? '').replace(/[^0-9.]/g, '').split('.');
  const time = `${hms.padEnd(6, '0')}${fraction.padEnd(6, '0')}`;
  const n = String(Number(str(ds, T.instanceNumber) ?? 0) || 0).padStart(10, '0');
  return `${date}${time}${n}`;
}

/** The documents no other document of the list names as its predecessor, oldest first. */
export function currentReports<D extends { ds: DicomJsonDataset }>(docs: readonly D[]): D[] {
  const replaced = new Set(docs.flatMap((d) => predecessorsOf(d.ds)));
  return docs.filter((d) => !replaced.has(str(d.ds, Tag.SOPInstanceUID) ?? '')).sort((a, b) => versionKey(a.ds).localeCompare(versionKey(b.ds)));
}

/** Whether the viewer wrote this document (its own series description). */
export function isDokueiDocument(ds: DicomJsonDataset): boolean {
  const d = str(ds, T.seriesDescription);
  return d === DOKUEI_MEASUREMENTS_SERIES || d === DOKUEI_KEY_IMAGES_SERIES;
}

export interface KeyImageRef {
  sopInstanceUid: string;
  sopClassUid?: string;
  seriesInstanceUid?: string;
  frame?: number;
}

/** CID 7011 rejection note titles (IHE IOCM): a KO with one of these rejects the instances it references. */
export const REJECTION_NOTE_TITLES: ReadonlySet<string> = new Set(['113001', '113037', '113038', '113039']);

export interface KeyImageDocument {
  sopInstanceUid: string;
  sopClassUid?: string;
  seriesInstanceUid: string;
  title?: SrCode;
  /** The viewer's id of the title, when it is one the viewer offers. */
  titleId?: KeyImageTitle;
  description?: string;
  images: KeyImageRef[];
  dokuei: boolean;
  version: string;
  /** A rejection note (IHE IOCM): the SOP Instance UIDs it rejects; its `images` are then empty. */
  rejects?: string[];
}

/** A Key Object Selection document's title, description and images; undefined when it is not one. Never throws. */
export function readKeyObject(ds: DicomJsonDataset): KeyImageDocument | undefined {
  if (str(ds, Tag.SOPClassUID) !== KEY_OBJECT_SELECTION_SOP_CLASS && str(ds, Tag.Modality) !== 'KO') return undefined;
  const sop = str(ds, Tag.SOPInstanceUID);
  const series = str(ds, Tag.SeriesInstanceUID);
  if (!sop || !series) return undefined;
  const doc = readSrContentTree(ds);
  const evidence = evidenceOf(ds);
  const images: KeyImageRef[] = [];
  const referenced: string[] = [];
  let description: string | undefined;
  walkSrTree(doc.root, (node, parent) => {
    if (parent !== doc.root) return;
    if (node.kind === 'composite' || node.kind === 'waveform') referenced.push(node.ref.sopInstanceUid);
    if (node.kind === 'image') {
      referenced.push(node.image.sopInstanceUid);
      const frames = node.image.frames ?? [];
      const where = evidence.get(node.image.sopInstanceUid);
      const base: KeyImageRef = {
        sopInstanceUid: node.image.sopInstanceUid,
        ...(node.image.sopClassUid ? { sopClassUid: node.image.sopClassUid } : {}),
        ...(where ? { seriesInstanceUid: where.seriesInstanceUid } : {}),
      };
      if (frames.length === 0) images.push(base);
      for (const f of frames) images.push({ ...base, frame: f });
    } else if (node.kind === 'text' && node.concept?.value === '113012' && description === undefined) description = node.text;
  });
  const title = doc.title;
  const titleId = title ? (Object.entries(KEY_IMAGE_TITLES).find(([, c]) => c.value === title.value && c.meaning === title.meaning)?.[0] as KeyImageTitle | undefined) : undefined;
  const rejection = title !== undefined && title.scheme === 'DCM' && REJECTION_NOTE_TITLES.has(title.value);
  const cls = str(ds, Tag.SOPClassUID);
  return {
    sopInstanceUid: sop,
    ...(cls ? { sopClassUid: cls } : {}),
    seriesInstanceUid: series,
    ...(title ? { title } : {}),
    ...(titleId ? { titleId } : {}),
    ...(description ? { description } : {}),
    images: rejection ? [] : images,
    dokuei: isDokueiDocument(ds),
    version: versionKey(ds),
    ...(rejection ? { rejects: [...new Set(referenced)] } : {}),
  };
}

/**
 * The key image documents to show: the newest of the viewer's own per title, and every other writer's; none that a
 * rejection note rejects (a title whose newest version is rejected shows nothing: its key images were unmarked),
 * and no rejection note.
 */
export function currentKeyObjects(docs: readonly KeyImageDocument[]): KeyImageDocument[] {
  const rejected = new Set(docs.flatMap((d) => d.rejects ?? []));
  const newest = new Map<string, KeyImageDocument>();
  const others: KeyImageDocument[] = [];
  for (const d of docs) {
    if (d.rejects) continue;
    if (!d.dokuei) {
      others.push(d);
      continue;
    }
    const key = d.titleId ?? d.title?.meaning ?? '';
    const prev = newest.get(key);
    if (!prev || prev.version < d.version) newest.set(key, d);
  }
  return [...newest.values(), ...others].filter((d) => !rejected.has(d.sopInstanceUid));
}
