/**
 * A study's measurements and key images as they last until tomorrow (issue #19): loaded from the study's SR and KO
 * documents over the data plane when the study is opened, and saved back as new versions through the services
 * (reports.saveMeasurements / saveKeyImages) a moment after each change.
 *
 * One store per study on the page, shared by every pane showing one of its series: a pane hands in its series'
 * measurements whenever they change, and the store saves the study's whole set (the series not shown keep what
 * was loaded). Saves are debounced (a drag is many changes) and run one at a time, each naming the version before
 * it as predecessor, so a crash loses at most the last moment's edit and never a saved version.
 */
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../common/dicom/dicomwebPaths';
import { Tag } from '../../../common/dicom/tags';
import type { DokueiApi } from '../../../common/ipc/contract';
import { savedFromSr } from '../../../common/sr/savedFromSr';
import type { KeyImageTitle, SavedImageRef, SavedMeasurement } from '../../../common/sr/savedMeasurements';
import { currentKeyObjects, currentReports, DOKUEI_MEASUREMENTS_SERIES, evidenceOf, readKeyObject, type KeyImageDocument } from '../../../common/sr/studyDocuments';
import { getDicomJson } from '../../platform/dicomweb';
import { trackingUidOf } from '../../imaging';
import type { DataPlane } from '../../platform/platform';

/** SR storage classes a TID 1500 report may come in (Basic/Enhanced/Comprehensive/Comprehensive 3D/Extensible). */
const SR_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.88.11', '1.2.840.10008.5.1.4.1.1.88.22', '1.2.840.10008.5.1.4.1.1.88.33', '1.2.840.10008.5.1.4.1.1.88.34', '1.2.840.10008.5.1.4.1.1.88.35']);

export type SaveState = { kind: 'idle' } | { kind: 'pending' } | { kind: 'saving' } | { kind: 'saved'; sopInstanceUid: string; at: number } | { kind: 'failed'; error: unknown };

export interface KeyImage extends SavedImageRef {
  title: KeyImageTitle | undefined;
  /** The document's title as written (another writer's may be none the viewer offers). */
  titleText: string;
  /** Whether the viewer's own document holds it (the reader can unmark it). */
  own: boolean;
}

export interface StudyReportsSnapshot {
  loaded: boolean;
  loadError?: unknown;
  save: SaveState;
  keyImages: KeyImage[];
  /** Every measurement of the study (all series), in the order saved. */
  measurements: SavedMeasurement[];
  /** Measurements in the study's reports that no tool can draw, and why. */
  skipped: { trackingUid?: string; reason: string }[];
}

export type ReportsApi = Pick<DokueiApi, 'reports'>;

/**
 * What makes a new version worth saving: the geometry (to a hundredth of a pixel: SR coordinates are 32-bit floats),
 * the label, and the values to four significant digits — a changed SUV factor moves a sphere's SUV, while the tools
 * computing the values again from the pixels on reopening (from points rounded to 32-bit floats) differ only in
 * later digits, so reopening a study does not save. The values' order is not a change: an SR gives them back in
 * its own (a sphere's volume first).
 */
export function changeKey(list: readonly SavedMeasurement[]): string {
  return JSON.stringify(
    list.map((m) => [m.trackingUid, m.tool, m.label ?? '', m.image?.sopInstanceUid ?? '', m.image?.frame ?? 0, m.frameOfReferenceUid ?? '', m.points.map((p) => p.map((v) => Math.round(v * 100))), m.values.map((v) => `${v.quantity}:${v.unit}:${Number(v.value.toPrecision(4))}`).sort()]),
  );
}
const keyOf = changeKey;
/** The store's key of a frame of reference's curved MPR path (beside the series' measurements). */
const PATH_KEY = 'path:';
/** The store's key of a frame of reference's PET/CT ROIs (spheres and ellipses). */
const PET_CT_ROI_KEY = 'petct-roi:';

/**
 * The values a measurement was saved with, kept while it has none now and the same geometry: the tools compute a
 * measurement's values only when its image is drawn (a slice not shown yet), the PET/CT ROIs once the volumes are in.
 */
function keepSavedValues(incoming: readonly SavedMeasurement[], saved: readonly SavedMeasurement[]): SavedMeasurement[] {
  const known = new Map(saved.map((m) => [m.trackingUid, m]));
  return incoming.map((m) => {
    const was = known.get(m.trackingUid);
    return m.values.length === 0 && was && was.values.length > 0 && changeKey([{ ...m, values: [] }]) === changeKey([{ ...was, values: [] }]) ? { ...m, values: was.values } : m;
  });
}
const imageKey = (r: { sopInstanceUid: string; frame?: number | undefined }) => `${r.sopInstanceUid}/${r.frame ?? 1}`;

export class StudyReports {
  /** Series UID ('' when an SR from elsewhere did not say) → its measurements. */
  private bySeries = new Map<string, SavedMeasurement[]>();
  /** The SRs the next version includes: the current leaves, then the last version saved. */
  private predecessors: string[] = [];
  private ownKeys = new Map<KeyImageTitle, SavedImageRef[]>();
  /** The viewer's latest documents (what "Send to PACS" sends): its measurements SR, its KO per title. */
  private ownLatestSr: string | undefined;
  private ownLatestKo = new Map<KeyImageTitle, string>();
  /** The viewer's rejection notes (a title's key images all unmarked): sent with the rest, so a PACS hides them too. */
  private ownRejections = new Set<string>();
  private otherKeys: KeyImage[] = [];
  private skipped: StudyReportsSnapshot['skipped'] = [];
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirtyMeasurements = false;
  private dirtyTitles = new Set<KeyImageTitle>();
  private running: Promise<void> | undefined;
  private lastSavedKey = '';
  private snapshotCache: StudyReportsSnapshot | undefined;
  /** The save state before the pending change (shown again when the change is undone before it is saved). */
  private settled: SaveState = { kind: 'idle' };
  private state: { loaded: boolean; loadError?: unknown; save: SaveState } = { loaded: false, save: { kind: 'idle' } };
  readonly loaded: Promise<void>;

  constructor(
    private readonly api: () => Promise<ReportsApi>,
    private readonly plane: DataPlane,
    readonly studyInstanceUid: string,
    private readonly debounceMs = 600,
  ) {
    this.loaded = this.load();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StudyReportsSnapshot {
    this.snapshotCache ??= {
      ...this.state,
      measurements: [...this.bySeries.values()].flat(),
      keyImages: [
        ...[...this.ownKeys].flatMap(([title, refs]) => refs.map((r) => ({ ...r, title, titleText: title, own: true }))),
        ...this.otherKeys,
      ],
      skipped: this.skipped,
    };
    return this.snapshotCache;
  }

  private changed(): void {
    this.snapshotCache = undefined;
    for (const l of this.listeners) l();
  }

  private async load(): Promise<void> {
    try {
      const series = await getDicomJson(this.plane, dicomwebPath.series(this.studyInstanceUid));
      const docs: { ds: DicomJsonDataset }[] = [];
      const keyDocs: KeyImageDocument[] = [];
      for (const s of series.items) {
        const modality = getString(s, Tag.Modality)?.trim();
        const uid = getString(s, Tag.SeriesInstanceUID)?.trim();
        if (!uid || (modality !== 'SR' && modality !== 'KO')) continue;
        const meta = await getDicomJson(this.plane, dicomwebPath.seriesMetadata(this.studyInstanceUid, uid));
        for (const ds of meta.items) {
          const cls = getString(ds, Tag.SOPClassUID)?.trim() ?? '';
          const ko = readKeyObject(ds);
          if (ko) keyDocs.push(ko);
          else if (SR_CLASSES.has(cls)) docs.push({ ds });
        }
      }
      const seen = new Set<string>();
      for (const { ds } of currentReports(docs)) {
        const sop = getString(ds, Tag.SOPInstanceUID)?.trim();
        const { measurements, skipped } = savedFromSr(ds);
        if (measurements.length === 0 && skipped.length === 0 && !isOurs(ds)) continue;
        if (sop) this.predecessors.push(sop);
        if (sop && isOurs(ds)) this.ownLatestSr = sop;
        this.skipped.push(...skipped);
        const evidence = evidenceOf(ds);
        for (const m of measurements) {
          // One finding in two reports (ours included another's) is drawn once.
          if (seen.has(m.trackingUid)) continue;
          seen.add(m.trackingUid);
          // Curved MPR paths and PET/CT ROIs by their frame of reference (see setPath, setPetCtRois); the rest by their image's series.
          const series =
            m.tool === 'CurvedPath' && m.frameOfReferenceUid
              ? `${PATH_KEY}${m.frameOfReferenceUid}`
              : (m.tool === 'SphereROI' || m.tool === 'EllipseROI3D') && m.frameOfReferenceUid
                ? `${PET_CT_ROI_KEY}${m.frameOfReferenceUid}`
                : m.image ? (m.image.seriesInstanceUid ?? evidence.get(m.image.sopInstanceUid)?.seriesInstanceUid ?? '') : '';
          const withSeries = m.image && series ? { ...m, image: { ...m.image, seriesInstanceUid: series } } : m;
          this.bySeries.set(series, [...(this.bySeries.get(series) ?? []), withSeries]);
        }
      }
      for (const doc of keyDocs) if (doc.dokuei && doc.rejects) this.ownRejections.add(doc.sopInstanceUid);
      for (const doc of currentKeyObjects(keyDocs)) {
        const images = doc.images.map((i) => ({ sopInstanceUid: i.sopInstanceUid, ...(i.sopClassUid ? { sopClassUid: i.sopClassUid } : {}), ...(i.seriesInstanceUid ? { seriesInstanceUid: i.seriesInstanceUid } : {}), ...(i.frame ? { frame: i.frame } : {}) }));
        if (doc.dokuei && doc.titleId) {
          this.ownKeys.set(doc.titleId, images);
          this.ownLatestKo.set(doc.titleId, doc.sopInstanceUid);
        }
        else this.otherKeys.push(...images.map((i) => ({ ...i, title: doc.titleId, titleText: doc.title?.meaning ?? '', own: false })));
      }
      this.lastSavedKey = keyOf([...this.bySeries.values()].flat());
      this.state = { ...this.state, loaded: true };
    } catch (err) {
      console.warn('Saved measurements and key images could not be loaded', err);
      // Reading goes on without the saved marks; the panel says they could not be loaded, and nothing is saved
      // over them (a save now would make a version without them).
      this.state = { ...this.state, loaded: true, loadError: err };
    }
    this.changed();
  }

  /** The saved measurements drawn on these images (SOP Instance UID, frame). */
  measurementsOn(images: ReadonlySet<string>): SavedMeasurement[] {
    return [...this.bySeries.values()].flat().filter((m) => m.image && images.has(imageKey(m.image)));
  }

  /** A pane's series' measurements now: saved a moment later when they differ from what is saved. */
  setSeriesMeasurements(seriesInstanceUid: string, incoming: readonly SavedMeasurement[]): void {
    if (!this.state.loaded || this.state.loadError !== undefined) return;
    const list = keepSavedValues(incoming, [...(this.bySeries.get(seriesInstanceUid) ?? []), ...(this.bySeries.get('') ?? [])]);
    // Loaded from an SR that did not name its series: now known, the pane's list replaces them.
    const unknown = this.bySeries.get('') ?? [];
    const uids = new Set(list.map((m) => m.trackingUid));
    if (unknown.some((m) => m.image && list.some((x) => x.image?.sopInstanceUid === m.image?.sopInstanceUid))) {
      this.bySeries.set('', unknown.filter((m) => !uids.has(m.trackingUid)));
    }
    this.replace(seriesInstanceUid, list);
  }

  /**
   * The curved MPR path drawn in a frame of reference (one each, issue #19 "the path saved with the measurements"):
   * saved as a CurvedPath (SCOORD3D polyline, its length as the value); undefined points drop it.
   */
  setPath(frameOfReferenceUid: string, path: { points: readonly (readonly number[])[]; lengthMm: number } | undefined): void {
    if (!this.state.loaded || this.state.loadError !== undefined) return;
    const key = `${PATH_KEY}${frameOfReferenceUid}`;
    const before = this.bySeries.get(key) ?? [];
    const list: SavedMeasurement[] =
      path && path.points.length >= 2
        ? [
            {
              trackingUid: before[0]?.trackingUid ?? trackingUidOf(crypto.randomUUID())!,
              tool: 'CurvedPath',
              frameOfReferenceUid,
              points: path.points.map((p) => [p[0]!, p[1]!, p[2]!]),
              values: [{ quantity: 'length', value: path.lengthMm, unit: 'mm' }],
            },
          ]
        : [];
    this.replace(key, list);
  }

  /**
   * The PET/CT layout's ROIs in a frame of reference (the PET's), with their SUV: saved as SphereROI and
   * EllipseROI3D measurements (SCOORD3D) beside the study's other measurements.
   */
  setPetCtRois(frameOfReferenceUid: string, incoming: readonly SavedMeasurement[]): void {
    if (!this.state.loaded || this.state.loadError !== undefined) return;
    const key = `${PET_CT_ROI_KEY}${frameOfReferenceUid}`;
    this.replace(key, keepSavedValues(incoming, this.bySeries.get(key) ?? []));
  }

  /** The saved PET/CT ROIs (spheres, ellipses) in a frame of reference. */
  petCtRoisIn(frameOfReferenceUid: string): SavedMeasurement[] {
    return this.bySeries.get(`${PET_CT_ROI_KEY}${frameOfReferenceUid}`) ?? [];
  }

  /** The saved path in a frame of reference, if any. */
  pathOf(frameOfReferenceUid: string): SavedMeasurement | undefined {
    return this.bySeries.get(`${PATH_KEY}${frameOfReferenceUid}`)?.[0];
  }

  private replace(key: string, list: SavedMeasurement[]): void {
    const before = this.bySeries.get(key) ?? [];
    if (keyOf(before) === keyOf(list)) return;
    this.bySeries.set(key, list);
    this.dirtyMeasurements = keyOf([...this.bySeries.values()].flat()) !== this.lastSavedKey;
    if (this.dirtyMeasurements) this.schedule();
    else if (this.dirtyTitles.size === 0 && this.state.save.kind === 'pending') {
      // Back to what is saved (an edit undone before the save): nothing to save.
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.state = { ...this.state, save: this.settled };
    }
    this.changed();
  }

  isKey(ref: { sopInstanceUid: string; frame?: number }): KeyImageTitle | undefined {
    for (const [title, refs] of this.ownKeys) if (refs.some((r) => imageKey(r) === imageKey(ref))) return title;
    return undefined;
  }

  /** Marks the image as a key image under `title`, or unmarks it when it already is one of the viewer's. */
  toggleKeyImage(ref: SavedImageRef, title: KeyImageTitle): void {
    if (!this.state.loaded || this.state.loadError !== undefined) return;
    const current = this.isKey(ref);
    if (current) {
      this.ownKeys.set(current, (this.ownKeys.get(current) ?? []).filter((r) => imageKey(r) !== imageKey(ref)));
      this.dirtyTitles.add(current);
    } else {
      this.ownKeys.set(title, [...(this.ownKeys.get(title) ?? []), ref]);
      this.dirtyTitles.add(title);
    }
    this.schedule();
    this.changed();
  }

  private schedule(): void {
    if (this.state.save.kind !== 'pending' && this.state.save.kind !== 'saving') this.settled = this.state.save;
    this.state = { ...this.state, save: { kind: 'pending' } };
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.debounceMs);
  }

  /**
   * The page is going away: a change waiting for the debounce is saved at once. A save already under way is left to
   * finish where it was sent (the services complete it): waiting for its answer, which the page will not get (the
   * browser cancels its fetch), and saving again would write the same version twice, both naming the one before.
   */
  leave(): void {
    if (this.running || !this.timer) return;
    void this.flush();
  }

  /** Saves what changed now (the debounce skipped); resolves when every save asked so far is done. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    if (!this.dirtyMeasurements && this.dirtyTitles.size === 0) {
      if (this.state.save.kind === 'pending') {
        this.state = { ...this.state, save: this.settled };
        this.changed();
      }
      return;
    }
    this.running = this.saveNow().finally(() => (this.running = undefined));
    await this.running;
  }

  private async saveNow(): Promise<void> {
    const api = await this.api();
    this.state = { ...this.state, save: { kind: 'saving' } };
    this.changed();
    let lastSop = '';
    const titles = [...this.dirtyTitles];
    try {
      if (this.dirtyMeasurements) {
        this.dirtyMeasurements = false;
        const measurements = [...this.bySeries.values()].flat();
        const saved = await api.reports.saveMeasurements({ studyInstanceUid: this.studyInstanceUid, measurements, predecessors: this.predecessors });
        this.predecessors = [saved.sopInstanceUid];
        this.ownLatestSr = saved.sopInstanceUid;
        this.lastSavedKey = keyOf(measurements);
        lastSop = saved.sopInstanceUid;
      }
      for (const title of titles) {
        this.dirtyTitles.delete(title);
        const images = this.ownKeys.get(title) ?? [];
        // The title's last key image unmarked: the service rejects its saved versions (a KO cannot be empty); one
        // marked and unmarked before it was ever saved leaves nothing to reject.
        if (images.length === 0 && !this.ownLatestKo.has(title)) continue;
        const saved = await api.reports.saveKeyImages({ studyInstanceUid: this.studyInstanceUid, title, images });
        if (images.length === 0) {
          this.ownLatestKo.delete(title);
          this.ownRejections.add(saved.sopInstanceUid);
        } else this.ownLatestKo.set(title, saved.sopInstanceUid);
        lastSop = saved.sopInstanceUid;
      }
      this.state = { ...this.state, save: { kind: 'saved', sopInstanceUid: lastSop, at: Date.now() } };
    } catch (err) {
      // Kept dirty: the next change, or "Retry", saves again; nothing the reader drew is dropped.
      this.dirtyMeasurements = changeKey([...this.bySeries.values()].flat()) !== this.lastSavedKey;
      for (const t of titles) if (!this.dirtyTitles.has(t)) this.dirtyTitles.add(t);
      this.state = { ...this.state, save: { kind: 'failed', error: err } };
    }
    this.changed();
  }

  /** The viewer's current documents of this study (its latest measurements SR and key image KOs): what "Send to PACS" sends. */
  ownDocuments(): string[] {
    return [
      ...(this.ownLatestSr ? [this.ownLatestSr] : []),
      ...[...this.ownKeys].filter(([, refs]) => refs.length > 0).flatMap(([t]) => this.ownLatestKo.get(t) ?? []),
      ...this.ownRejections,
    ];
  }

  /** Saves again after a failure. */
  retry(): void {
    if (this.dirtyMeasurements || this.dirtyTitles.size > 0) void this.flush();
  }
}

function isOurs(ds: DicomJsonDataset): boolean {
  return getString(ds, '0008103E')?.trim() === DOKUEI_MEASUREMENTS_SERIES;
}

const stores = new Map<string, StudyReports>();

/**
 * The page is going away (the window closed, a reload): every study's change still waiting for its debounce is
 * saved now. The request leaves before the page does (IPC in Electron; a keepalive fetch in the browser host).
 */
export function leaveAllStudyReports(): void {
  for (const s of stores.values()) s.leave();
}

/** The page's store for a study (one per study, shared by its panes). */
export function studyReportsFor(api: () => Promise<ReportsApi>, plane: DataPlane, studyInstanceUid: string): StudyReports {
  const key = `${plane.baseUrl} ${studyInstanceUid}`;
  let s = stores.get(key);
  if (!s) {
    s = new StudyReports(api, plane, studyInstanceUid);
    stores.set(key, s);
  }
  return s;
}
