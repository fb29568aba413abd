/**
 * Which local studies are only partly here. The store cannot say (the plain store has no notion of a
 * partial study), so the gateway remembers what it filled by store-through, and what the nodes said the
 * studies and series hold. Until such a study is known to be complete, listings and metadata are asked
 * upstream first and the local part is the fallback (with a Warning saying what is missing).
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { getNumber, getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { seriesUid, sopUid, type SeriesInstanceUid, type StudyInstanceUid } from '../../../common/dicom/uid';
import type { InstanceStore } from '../store/instanceStore';
import { warningHeader } from './answers';
import type { InstanceRef } from './storeThrough';

const key = (study: string, series: string) => `${study}/${series}`;

export class PartialStudies {
  private readonly touched = new Map<string, Set<string>>(); // study → series that store-through wrote to
  private readonly expectedSeries = new Map<string, Set<string>>(); // study → series the nodes listed
  private readonly expectedInstances = new Map<string, Set<string>>(); // study/series → SOP Instance UIDs the nodes listed

  /** SOP Instance UID → its number of frames, from the metadata the nodes sent (for instances not stored yet). */
  private readonly frameCounts = new Map<string, number>();

  constructor(private readonly store: InstanceStore) {}

  /** Whether a node's metadata said this instance has one frame (undefined: no metadata seen for it). */
  singleFrame(instance: string): boolean | undefined {
    const n = this.frameCounts.get(instance);
    return n === undefined ? undefined : n <= 1;
  }

  /** Store-through put this instance in the store. */
  stored(ref: InstanceRef): void {
    let set = this.touched.get(ref.study);
    if (!set) this.touched.set(ref.study, (set = new Set()));
    set.add(ref.series);
  }

  seriesPartial(study: StudyInstanceUid, series: SeriesInstanceUid): boolean {
    if (!this.touched.get(study)?.has(series)) return false;
    const missing = this.missingInstances(study, series);
    return missing === undefined || missing.length > 0;
  }

  studyPartial(study: StudyInstanceUid): boolean {
    const t = this.touched.get(study);
    if (!t) return false;
    const listed = this.expectedSeries.get(study);
    if (!listed) return true;
    for (const se of new Set([...listed, ...t])) {
      const missing = this.missingInstances(study, seriesUid(se));
      if (missing === undefined || missing.length > 0) return true;
    }
    return false;
  }

  /** What a node's unfiltered instance listing (of one series, or of the study when `series` is undefined) holds. */
  learnInstances(study: StudyInstanceUid, series: SeriesInstanceUid | undefined, items: DicomJsonDataset[]): void {
    for (const ds of items) {
      const se = series ?? getString(ds, Tag.SeriesInstanceUID);
      const sop = getString(ds, Tag.SOPInstanceUID);
      if (!se || !sop) continue;
      // Full metadata (it has Rows) says how many frames an instance has; a QIDO listing may leave it out.
      if (ds[Tag.Rows]) this.frameCounts.set(sop, getNumber(ds, Tag.NumberOfFrames) ?? 1);
      const k = key(study, se);
      let set = this.expectedInstances.get(k);
      if (!set) this.expectedInstances.set(k, (set = new Set()));
      set.add(sop);
    }
  }

  /** What a node's unfiltered series listing of the study holds. */
  learnSeries(study: StudyInstanceUid, items: DicomJsonDataset[]): void {
    const set = new Set<string>();
    for (const ds of items) {
      const se = getString(ds, Tag.SeriesInstanceUID);
      if (se) set.add(se);
    }
    if (set.size) this.expectedSeries.set(study, set);
  }

  /** The Warning header of a local answer given for a partial study or series: what is missing, then why. */
  warning(study: StudyInstanceUid, series: SeriesInstanceUid | undefined, failures: string[]): Record<string, string> {
    const lines = [...failures];
    const seriesList = series ? [series] : [...(this.touched.get(study) ?? [])].map((s) => seriesUid(s));
    for (const se of seriesList) {
      const missing = this.missingInstances(study, se);
      if (missing === undefined) lines.unshift(`series ${se} may be incomplete locally: no node could list its instances`);
      else if (missing.length) {
        const shown = missing.slice(0, 5).join(', ');
        lines.unshift(`series ${se}: ${missing.length} of ${this.expectedInstances.get(key(study, se))!.size} instances are not available (${shown}${missing.length > 5 ? ', ...' : ''})`);
      }
    }
    if (!series) {
      const listed = this.expectedSeries.get(study);
      const local = new Set((this.store.series(study) ?? []).map((d) => getString(d, Tag.SeriesInstanceUID)));
      const absent = listed ? [...listed].filter((se) => !local.has(se)) : [];
      if (absent.length) lines.unshift(`study ${study}: series not available: ${absent.join(', ')}`);
    }
    return warningHeader(lines);
  }

  /** The listed instances not in the store; undefined when no node listed the series. */
  private missingInstances(study: StudyInstanceUid, series: SeriesInstanceUid): string[] | undefined {
    const expected = this.expectedInstances.get(key(study, series));
    if (!expected) return undefined;
    return [...expected].filter((sop) => !this.store.instanceMetadata(study, series, sopUid(sop)));
  }
}
