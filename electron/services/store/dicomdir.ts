/**
 * A DICOMDIR (PS3.10 Media Storage Directory, PS3.3 F.5) read record by record: patient → study → series → the
 * instances, each with the file it names (Referenced File ID, resolved under the DICOMDIR's folder) and whether that
 * file is on the media. So a CD's contents can be shown before anything is imported, only the chosen studies
 * imported, and files the index names but the media lacks reported (issue #18).
 *
 * The hierarchy is read as the standard lays it out: the root's first record (0004,1200), each record's next
 * sibling (0004,1400) and first child (0004,1420), all byte offsets of the record's Item tag from the file's first
 * byte. dicom-parser gives those offsets (the services' own DICOM JSON reader, which decodes the character sets,
 * does not); the text comes from that reader, item for item. Writers that get the offsets wrong are common enough:
 * when the root offset matches no record, the records' order is used instead (each PATIENT, STUDY and SERIES record
 * opens a level, as every writer orders them). Records marked inactive (0004,1410 = 0) are skipped.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { getNumber, getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { part10ToDicomJson } from '../dicom/datasetJson';
import { readRegularFile } from './regularFile';

export interface DicomdirInstance {
  /** The file's path, resolved (case-insensitively where the media's names differ in case from the index). */
  file: string;
  /** The Referenced File ID as the DICOMDIR gives it, joined with "/". */
  referencedFileId: string;
  sopInstanceUid?: string;
  recordType: string;
  exists: boolean;
}

export interface DicomdirSeries {
  seriesInstanceUid: string;
  modality: string;
  seriesNumber?: number;
  instances: DicomdirInstance[];
}

export interface DicomdirStudy {
  studyInstanceUid: string;
  studyDate?: string;
  studyDescription?: string;
  accessionNumber?: string;
  series: DicomdirSeries[];
}

export interface DicomdirPatient {
  patientId: string;
  /** As the DICOMDIR stores it (character sets decoded), "^" between components and "=" between groups. */
  patientName: string;
  studies: DicomdirStudy[];
}

export interface DicomdirContents {
  dicomdir: string;
  fileSetId?: string;
  patients: DicomdirPatient[];
  /** Referenced File IDs of instances whose file is not on the media. */
  missing: string[];
  /** What was odd about the index (offsets that point nowhere, records outside the hierarchy …). */
  warnings: string[];
}

const T = {
  FileSetID: '00041130',
  RootFirstRecordOffset: '00041200',
  DirectoryRecordSequence: '00041220',
  NextRecordOffset: '00041400',
  RecordInUseFlag: '00041410',
  LowerLevelOffset: '00041420',
  DirectoryRecordType: '00041430',
  ReferencedFileID: '00041500',
  ReferencedSOPInstanceUIDInFile: '00041511',
  PatientID: '00100020',
  PatientName: '00100010',
  StudyInstanceUID: '0020000D',
  StudyDate: '00080020',
  StudyDescription: '00081030',
  AccessionNumber: '00080050',
  SeriesInstanceUID: '0020000E',
  Modality: '00080060',
  SeriesNumber: '00200011',
} as const;

interface DirRecord {
  type: string;
  ds: DicomJsonDataset;
  offset: number;
  next: number;
  lower: number;
}

const str = (ds: DicomJsonDataset, tag: string): string | undefined => getString(ds, tag)?.trim() || undefined;

function personName(ds: DicomJsonDataset): string {
  const v = ds[T.PatientName]?.Value?.[0] as { Alphabetic?: string; Ideographic?: string; Phonetic?: string } | string | undefined;
  if (!v) return '';
  if (typeof v === 'string') return v;
  return [v.Alphabetic ?? '', v.Ideographic ?? '', v.Phonetic ?? ''].join('=').replace(/=+$/, '');
}

/**
 * The file a Referenced File ID names under `base`, each component matched without case when the exact name is
 * absent (media whose names differ in case from their index). `folders` holds each folder's names, lower-cased, read
 * once per DICOMDIR.
 */
async function resolveInsensitive(base: string, parts: readonly string[], folders: Map<string, Map<string, string> | null>): Promise<string> {
  let dir = base;
  for (const part of parts) {
    const exact = path.join(dir, part);
    try {
      await fs.access(exact);
      dir = exact;
      continue;
    } catch {
      // try the folder's names without case
    }
    let names = folders.get(dir);
    if (names === undefined) {
      try {
        names = new Map((await fs.readdir(dir)).map((n) => [n.toLowerCase(), n]));
      } catch {
        names = null;
      }
      folders.set(dir, names);
    }
    const found = names?.get(part.toLowerCase());
    dir = path.join(dir, found ?? part);
  }
  return dir;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Reads a DICOMDIR; throws with a reason a person can act on when it is not one or cannot be read. */
export async function readDicomdir(dicomdirPath: string): Promise<DicomdirContents> {
  const bytes = await readRegularFile(dicomdirPath);
  let dataset: DicomJsonDataset;
  try {
    dataset = part10ToDicomJson(bytes).dataset;
  } catch (err) {
    throw new Error(`${dicomdirPath} could not be read as a DICOMDIR: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const items = (dataset[T.DirectoryRecordSequence]?.Value ?? []) as DicomJsonDataset[];
  // The byte offset of each record's Item tag, item for item (dicom-parser keeps them; 8 bytes of item header).
  let offsets: number[] = [];
  try {
    const parsed = dicomParser.parseDicom(bytes);
    offsets = (parsed.elements.x00041220?.items ?? []).map((it) => it.dataOffset - 8);
  } catch {
    offsets = [];
  }
  const warnings: string[] = [];
  const records: DirRecord[] = items.map((ds, i) => ({
    type: (str(ds, T.DirectoryRecordType) ?? '').toUpperCase(),
    ds,
    offset: offsets[i] ?? -1,
    next: getNumber(ds, T.NextRecordOffset) ?? 0,
    lower: getNumber(ds, T.LowerLevelOffset) ?? 0,
  }));
  const byOffset = new Map(records.map((r) => [r.offset, r]));
  const root = getNumber(dataset, T.RootFirstRecordOffset) ?? 0;

  // The hierarchy: by offsets when they hold together, else by order.
  type Node = { record: DirRecord; children: Node[] };
  let roots: Node[];
  if (records.length && offsets.length === records.length && byOffset.has(root)) {
    const seen = new Set<number>();
    const chain = (offset: number): Node[] => {
      const out: Node[] = [];
      for (let at = offset; at !== 0; ) {
        const r = byOffset.get(at);
        if (!r) {
          warnings.push(`A record offset (${at}) points to no record; the records after it on that level are not read.`);
          break;
        }
        if (seen.has(at)) {
          warnings.push(`The records loop back on themselves at offset ${at}; the loop is cut there.`);
          break;
        }
        seen.add(at);
        out.push({ record: r, children: r.lower ? chain(r.lower) : [] });
        at = r.next;
      }
      return out;
    };
    roots = chain(root);
  } else {
    if (records.length) warnings.push('The DICOMDIR\'s record offsets do not match its records; its records were read in order.');
    const LEVEL: Record<string, number> = { PATIENT: 0, STUDY: 1, SERIES: 2 };
    roots = [];
    const stack: Node[] = [];
    for (const r of records) {
      const level = LEVEL[r.type] ?? 3;
      const node: Node = { record: r, children: [] };
      stack.length = Math.min(stack.length, level);
      if (level === 0) roots.push(node);
      else stack[level - 1]?.children.push(node);
      stack[level] = node;
    }
  }

  const base = path.dirname(path.resolve(dicomdirPath));
  const folders = new Map<string, Map<string, string> | null>();
  const inUse = (r: DirRecord) => (getNumber(r.ds, T.RecordInUseFlag) ?? 0xffff) !== 0;
  const missing: string[] = [];
  const patients: DicomdirPatient[] = [];
  for (const p of roots) {
    if (!inUse(p.record)) continue;
    if (p.record.type !== 'PATIENT') {
      warnings.push(`A record of type ${p.record.type || '(none)'} at the top level is not under a patient and was left out.`);
      continue;
    }
    const patient: DicomdirPatient = { patientId: str(p.record.ds, T.PatientID) ?? '', patientName: personName(p.record.ds), studies: [] };
    for (const s of p.children) {
      if (!inUse(s.record) || s.record.type !== 'STUDY') continue;
      const studyUid = str(s.record.ds, T.StudyInstanceUID);
      if (!studyUid) {
        warnings.push('A study record has no Study Instance UID and was left out.');
        continue;
      }
      const study: DicomdirStudy = {
        studyInstanceUid: studyUid,
        ...(str(s.record.ds, T.StudyDate) ? { studyDate: str(s.record.ds, T.StudyDate)! } : {}),
        ...(str(s.record.ds, T.StudyDescription) ? { studyDescription: str(s.record.ds, T.StudyDescription)! } : {}),
        ...(str(s.record.ds, T.AccessionNumber) ? { accessionNumber: str(s.record.ds, T.AccessionNumber)! } : {}),
        series: [],
      };
      for (const se of s.children) {
        if (!inUse(se.record) || se.record.type !== 'SERIES') continue;
        const seriesNumber = getNumber(se.record.ds, T.SeriesNumber);
        const series: DicomdirSeries = {
          seriesInstanceUid: str(se.record.ds, T.SeriesInstanceUID) ?? '',
          modality: str(se.record.ds, T.Modality) ?? '',
          ...(seriesNumber !== undefined ? { seriesNumber } : {}),
          instances: [],
        };
        for (const leaf of se.children) {
          if (!inUse(leaf.record)) continue;
          const parts = (leaf.record.ds[T.ReferencedFileID]?.Value ?? []).map(String).filter(Boolean);
          if (!parts.length) continue;
          const referencedFileId = parts.join('/');
          const file = await resolveInsensitive(base, parts, folders);
          const present = await exists(file);
          if (!present) missing.push(referencedFileId);
          const sop = str(leaf.record.ds, T.ReferencedSOPInstanceUIDInFile);
          series.instances.push({ file, referencedFileId, recordType: leaf.record.type, exists: present, ...(sop ? { sopInstanceUid: sop } : {}) });
        }
        study.series.push(series);
      }
      patient.studies.push(study);
    }
    patients.push(patient);
  }
  const fileSetId = str(dataset, T.FileSetID);
  return { dicomdir: path.resolve(dicomdirPath), ...(fileSetId ? { fileSetId } : {}), patients, missing, warnings };
}

/** Every instance record of the contents, optionally only those of the given studies. */
export function dicomdirInstances(contents: DicomdirContents, studyUids?: ReadonlySet<string>): DicomdirInstance[] {
  return contents.patients.flatMap((p) =>
    p.studies.filter((s) => !studyUids || studyUids.has(s.studyInstanceUid)).flatMap((s) => s.series.flatMap((se) => se.instances)),
  );
}
