/**
 * `dokuei inspect FILE...`: what a file is, without opening a viewer. The --json shape is an interface
 * other tools rely on: extend it, never rename fields.
 */
import { promises as fs } from 'node:fs';
import { joinPersonNameGroups } from '../../common/dicom/charset';
import { getString, getPersonName, type DicomJsonDataset, type PersonNameValue } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { readPart10Header } from '../services/dicom/part10';

export interface InspectResult {
  file: string;
  ok: boolean;
  error: string | null;
  transferSyntaxUID: string | null;
  sopClassUID: string | null;
  sopInstanceUID: string | null;
  studyInstanceUID: string | null;
  seriesInstanceUID: string | null;
  modality: string | null;
  /** Decoded, in the DICOM form: "Yamada^Tarou=山田^太郎=やまだ^たろう" ('' when the file has no name). */
  patientName: string | null;
  /** The same name by component group; null when the file could not be read. */
  patientNameGroups: { alphabetic: string | null; ideographic: string | null; phonetic: string | null } | null;
  patientId: string | null;
  rows: number | null;
  columns: number | null;
  numberOfFrames: number | null;
  /** Every Person Name in the file, sequences included: "(0032,1064)[1].(0010,0010)" → decoded value. */
  personNames: { path: string; value: string }[];
}

function collectPersonNames(ds: DicomJsonDataset, prefix: string, out: { path: string; value: string }[]): void {
  for (const [tag, el] of Object.entries(ds)) {
    const at = `${prefix}(${tag.slice(0, 4)},${tag.slice(4)})`;
    if (el.vr === 'PN') {
      for (const v of el.Value ?? []) if (v && typeof v === 'object') out.push({ path: at, value: joinPersonNameGroups(v as PersonNameValue) });
    } else if (el.vr === 'SQ') {
      (el.Value ?? []).forEach((item, i) => collectPersonNames(item as DicomJsonDataset, `${at}[${i + 1}].`, out));
    }
  }
}

export async function inspectFile(file: string): Promise<InspectResult> {
  const empty: InspectResult = {
    file, ok: false, error: null, transferSyntaxUID: null, sopClassUID: null, sopInstanceUID: null, studyInstanceUID: null,
    seriesInstanceUID: null, modality: null, patientName: null, patientNameGroups: null, patientId: null, rows: null, columns: null, numberOfFrames: null, personNames: [],
  };
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ...empty, error: code === 'ENOENT' ? 'No such file' : code === 'EISDIR' ? 'Is a folder' : String(err) };
  }
  try {
    const { transferSyntaxUid, dataset } = readPart10Header(bytes);
    const name = getPersonName(dataset, Tag.PatientName);
    const num = (tag: string) => {
      const v = Number(getString(dataset, tag));
      return Number.isFinite(v) && getString(dataset, tag) !== undefined ? v : null;
    };
    return {
      ...empty,
      ok: true,
      transferSyntaxUID: transferSyntaxUid,
      sopClassUID: getString(dataset, Tag.SOPClassUID) ?? null,
      sopInstanceUID: getString(dataset, Tag.SOPInstanceUID) ?? null,
      studyInstanceUID: getString(dataset, Tag.StudyInstanceUID) ?? null,
      seriesInstanceUID: getString(dataset, Tag.SeriesInstanceUID) ?? null,
      modality: getString(dataset, Tag.Modality) ?? null,
      patientName: joinPersonNameGroups(name),
      patientNameGroups: { alphabetic: name?.Alphabetic ?? null, ideographic: name?.Ideographic ?? null, phonetic: name?.Phonetic ?? null },
      patientId: getString(dataset, Tag.PatientID) ?? null,
      rows: num(Tag.Rows),
      columns: num(Tag.Columns),
      numberOfFrames: num(Tag.NumberOfFrames) ?? (dataset[Tag.Rows] ? 1 : null),
      personNames: (() => {
        const names: { path: string; value: string }[] = [];
        collectPersonNames(dataset, '', names);
        return names;
      })(),
    };
  } catch (err) {
    return { ...empty, error: err instanceof Error ? err.message : String(err) };
  }
}
