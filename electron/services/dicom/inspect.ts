/**
 * What a file is, without opening a viewer: `dokuei inspect` and the UI's file inspector. The JSON shape is an
 * interface other tools rely on: extend it, never rename fields (common/dicom/inspectResult.ts validates it).
 */
import { promises as fs } from 'node:fs';
import { joinPersonNameGroups } from '../../../common/dicom/charset';
import { getString, getPersonName, type DicomJsonDataset, type PersonNameValue } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { readPart10Header } from './part10';
import type { InspectResult } from '../../../common/dicom/inspectResult';

export type { InspectResult };

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
