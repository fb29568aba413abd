/**
 * The study's measurements and key images as they last (renderer/features/measurements/studyReports.ts, issue #19):
 * loaded from the study's current SR and KO documents over the data plane (here `fetch` stubbed with DICOM JSON of
 * SRs and a KO written by the services' own writers), saved back through a fake `reports` API a moment after a
 * change, each version naming the one before it, and never saved over reports it could not load.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import type { SavedImageRef, SavedMeasurement } from '../../../../../common/sr/savedMeasurements';
import { DOKUEI_KEY_IMAGES_SERIES, DOKUEI_MEASUREMENTS_SERIES } from '../../../../../common/sr/studyDocuments';
import { part10ToDicomJson } from '../../../../../electron/services/dicom/datasetJson';
import { writeKeyObjectSelection } from '../../../../../electron/services/reports/keyObjectWriter';
import { COMPREHENSIVE_3D_SR_SOP_CLASS, writeMeasurementReport } from '../../../../../electron/services/reports/measurementReportWriter';
import { changeKey, StudyReports, type ReportsApi } from '../../../../../renderer/features/measurements/studyReports';
import type { DataPlane } from '../../../../../renderer/platform/platform';

const ROOT = '1.2.826.0.1.3680043.9.7777.1923';
const STUDY = `${ROOT}.1`;
const SERIES_A = `${ROOT}.2`;
const SERIES_B = `${ROOT}.3`;
const OUR_SR_SERIES = `${ROOT}.9`;
const THEIR_SR_SERIES = `${ROOT}.7`;
const KO_SERIES = `${ROOT}.8`;
const CT = '1.2.840.10008.5.1.4.1.1.2';
const sop = (n: number) => `${ROOT}.4.${n}`;
const imageA = (n: number): Required<Pick<SavedImageRef, 'sopClassUid' | 'sopInstanceUid' | 'seriesInstanceUid'>> => ({ sopClassUid: CT, sopInstanceUid: sop(n), seriesInstanceUid: SERIES_A });
const imageB = { sopClassUid: CT, sopInstanceUid: sop(50), seriesInstanceUid: SERIES_B };

const HEADER: DicomJsonDataset = {
  '00080016': { vr: 'UI', Value: [CT] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Test^Reports' }] },
  '00100020': { vr: 'LO', Value: ['SR-1923'] },
  '0020000D': { vr: 'UI', Value: [STUDY] },
};

// ---------------------------------------------------------------------------------------------------------
// The study's documents: our SR in two versions, another viewer's SR, our KO

const L1_V1: SavedMeasurement = { trackingUid: '2.25.11', tool: 'Length', label: 'nodule', image: imageA(1), points: [[10, 10], [20, 10]], values: [{ quantity: 'length', value: 10, unit: 'mm' }] };
const L1: SavedMeasurement = { ...L1_V1, points: [[10, 10], [30.5, 10.25]], values: [{ quantity: 'length', value: 20.5, unit: 'mm' }] };
const E1: SavedMeasurement = {
  trackingUid: '2.25.12',
  tool: 'EllipticalROI',
  image: imageA(2),
  points: [[50, 30], [50, 70], [40, 50], [60, 50]],
  values: [
    { quantity: 'area', value: 314.25, unit: 'mm2' },
    { quantity: 'mean', value: -40.5, unit: "[hnsf'U]" },
  ],
};
const P1: SavedMeasurement = { trackingUid: '2.25.13', tool: 'Probe', image: imageA(1), points: [[7.5, 8.25]], values: [{ quantity: 'value', value: 42, unit: "[hnsf'U]" }] };
const R1: SavedMeasurement = { trackingUid: '2.25.14', tool: 'RectangleROI', image: imageA(2), points: [[5, 5], [25, 5], [25, 15], [5, 15]], values: [{ quantity: 'area', value: 200, unit: 'mm2' }, { quantity: 'mean', value: 12.5, unit: "[hnsf'U]" }] };
const THEIRS: SavedMeasurement = { trackingUid: '2.25.99', tool: 'Length', image: imageB, points: [[1, 1], [5, 4]], values: [{ quantity: 'length', value: 5, unit: 'mm' }] };

const V1_UID = `${OUR_SR_SERIES}.1`;
const V2_UID = `${OUR_SR_SERIES}.2`;
const THEIR_UID = `${THEIR_SR_SERIES}.1`;
const KO_UID = `${KO_SERIES}.1`;

function sr(uid: string, series: string, n: number, at: Date, measurements: SavedMeasurement[], predecessors: string[], seriesDescription: string): DicomJsonDataset {
  const bytes = writeMeasurementReport({
    header: HEADER,
    measurements,
    images: [imageA(1), imageA(2), imageA(3), imageB],
    predecessors: predecessors.map((p) => ({ studyInstanceUid: STUDY, seriesInstanceUid: OUR_SR_SERIES, sopClassUid: COMPREHENSIVE_3D_SR_SOP_CLASS, sopInstanceUid: p })),
    sopInstanceUid: uid,
    seriesInstanceUid: series,
    instanceNumber: n,
    seriesDescription,
    now: at,
  });
  // As the data plane serves it: JSON over HTTP.
  return JSON.parse(JSON.stringify(part10ToDicomJson(bytes).dataset)) as DicomJsonDataset;
}

const DOCS = {
  v1: sr(V1_UID, OUR_SR_SERIES, 1, new Date(2024, 2, 1, 10, 0, 0), [L1_V1], [], DOKUEI_MEASUREMENTS_SERIES),
  v2: sr(V2_UID, OUR_SR_SERIES, 2, new Date(2024, 2, 1, 10, 5, 0), [L1, E1, P1, R1], [V1_UID], DOKUEI_MEASUREMENTS_SERIES),
  theirs: sr(THEIR_UID, THEIR_SR_SERIES, 1, new Date(2024, 2, 1, 10, 2, 0), [THEIRS], [], 'Measurements'),
  ko: JSON.parse(
    JSON.stringify(
      part10ToDicomJson(
        writeKeyObjectSelection({ header: HEADER, title: 'ofInterest', images: [imageA(3)], sopInstanceUid: KO_UID, seriesInstanceUid: KO_SERIES, instanceNumber: 1, seriesDescription: DOKUEI_KEY_IMAGES_SERIES, now: new Date(2024, 2, 1, 10, 6, 0) }),
      ).dataset,
    ),
  ) as DicomJsonDataset,
};

const seriesRow = (uid: string, modality: string): DicomJsonDataset => ({ '0020000E': { vr: 'UI', Value: [uid] }, '00080060': { vr: 'CS', Value: [modality] } });

// ---------------------------------------------------------------------------------------------------------
// The data plane (fetch) and the services (reports API), faked

const PLANE: DataPlane = { baseUrl: 'http://127.0.0.1:1/dicomweb', headers: { Authorization: 'Bearer t' } };

interface Served {
  /** Path (after the base) → the JSON answered, or an HTTP status to fail with. */
  routes: Map<string, unknown>;
  requested: string[];
}
function serve(over: Record<string, unknown> = {}): Served {
  const routes = new Map<string, unknown>([
    [`/studies/${STUDY}/series`, [seriesRow(SERIES_A, 'CT'), seriesRow(SERIES_B, 'CT'), seriesRow(OUR_SR_SERIES, 'SR'), seriesRow(THEIR_SR_SERIES, 'SR'), seriesRow(KO_SERIES, 'KO')]],
    [`/studies/${STUDY}/series/${OUR_SR_SERIES}/metadata`, [DOCS.v1, DOCS.v2]],
    [`/studies/${STUDY}/series/${THEIR_SR_SERIES}/metadata`, [DOCS.theirs]],
    [`/studies/${STUDY}/series/${KO_SERIES}/metadata`, [DOCS.ko]],
    ...Object.entries(over),
  ]);
  const served: Served = { routes, requested: [] };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL) => {
      const path = String(url).slice(PLANE.baseUrl.length);
      served.requested.push(path);
      const body = routes.get(path);
      if (body === undefined) return new Response(JSON.stringify({ error: 'Not found' }), { status: 404 });
      if (typeof body === 'number') return new Response(JSON.stringify({ error: `failed with ${body}` }), { status: body });
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/dicom+json' } });
    }),
  );
  return served;
}

type SaveMeasurementsRequest = Parameters<ReportsApi['reports']['saveMeasurements']>[0];
type SaveKeyImagesRequest = Parameters<ReportsApi['reports']['saveKeyImages']>[0];

function fakeServices() {
  const measurementSaves: SaveMeasurementsRequest[] = [];
  const keyImageSaves: SaveKeyImagesRequest[] = [];
  const failures: Error[] = [];
  let n = 0;
  const answer = (series: string) => ({ sopInstanceUid: `${series}.${100 + ++n}`, studyInstanceUid: STUDY, seriesInstanceUid: series });
  const reports: ReportsApi['reports'] = {
    saveMeasurements: async (req) => {
      measurementSaves.push(structuredClone(req));
      const fail = failures.shift();
      if (fail) throw fail;
      return answer(OUR_SR_SERIES);
    },
    saveKeyImages: async (req) => {
      keyImageSaves.push(structuredClone(req));
      const fail = failures.shift();
      if (fail) throw fail;
      return answer(KO_SERIES);
    },
    csvExported: async () => ({ recorded: true }),
  };
  return { api: () => Promise.resolve({ reports }), measurementSaves, keyImageSaves, failNext: (err: Error) => failures.push(err) };
}

const DEBOUNCE = 10;
/** Longer than the debounce many times over: what was to be saved has been. */
const settle = () => new Promise((r) => setTimeout(r, DEBOUNCE * 8));

async function open(services = fakeServices()) {
  const store = new StudyReports(services.api, PLANE, STUDY, DEBOUNCE);
  await store.loaded;
  return { store, ...services };
}

/** What the pane hands in for series A: its measurements as the tools computed them again. */
const paneList = (store: StudyReports) => store.snapshot().measurements.filter((m) => m.image?.seriesInstanceUid === SERIES_A);
const moved = (m: SavedMeasurement, dx: number): SavedMeasurement => ({ ...m, points: m.points.map((p) => [p[0]! + dx, p[1]!]) });
const expectPointsClose = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((p, i) => p.forEach((x, k) => expect(x).toBeCloseTo(b[i]![k]!, 4)));
};

beforeEach(() => {
  serve();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('StudyReports: loading', () => {
  it('draws the current report\'s measurements (not the superseded version\'s) and another viewer\'s, with their series', async () => {
    const { store } = await open();
    const snap = store.snapshot();
    expect(snap.loaded).toBe(true);
    expect(snap.loadError).toBeUndefined();
    expect(snap.skipped).toEqual([]);
    expect(snap.save).toEqual({ kind: 'idle' });
    expect(snap.measurements.map((m) => m.trackingUid).sort()).toEqual(['2.25.11', '2.25.12', '2.25.13', '2.25.14', '2.25.99']);
    const l1 = snap.measurements.find((m) => m.trackingUid === L1.trackingUid)!;
    expectPointsClose(l1.points, L1.points);
    expect(l1.values).toEqual(L1.values);
    expect(l1.label).toBe('nodule');
    // The series of each image, from the SR's evidence.
    expect(snap.measurements.find((m) => m.trackingUid === THEIRS.trackingUid)!.image).toMatchObject({ sopInstanceUid: imageB.sopInstanceUid, seriesInstanceUid: SERIES_B });
    expect(paneList(store).map((m) => m.trackingUid).sort()).toEqual(['2.25.11', '2.25.12', '2.25.13', '2.25.14']);
  });

  it('gives a pane the measurements on its images, and the key images with their titles', async () => {
    const { store } = await open();
    expect(store.measurementsOn(new Set([`${sop(1)}/1`])).map((m) => m.trackingUid).sort()).toEqual(['2.25.11', '2.25.13']);
    expect(store.measurementsOn(new Set([`${sop(3)}/1`]))).toEqual([]);
    expect(store.snapshot().keyImages).toEqual([{ sopInstanceUid: sop(3), sopClassUid: CT, seriesInstanceUid: SERIES_A, title: 'ofInterest', titleText: 'ofInterest', own: true }]);
    expect(store.isKey({ sopInstanceUid: sop(3) })).toBe('ofInterest');
    expect(store.isKey({ sopInstanceUid: sop(1) })).toBeUndefined();
    // What "Send to PACS" sends: the viewer's current documents.
    expect(store.ownDocuments()).toEqual([V2_UID, KO_UID]);
  });

  it('reads only the SR and KO series, not the images\' metadata', async () => {
    const served = serve();
    await open();
    expect(served.requested.some((p) => p.includes(SERIES_A) || p.includes(SERIES_B))).toBe(false);
  });
});

describe('StudyReports: saving measurements', () => {
  it('does not save when a pane hands in the same geometry (values computed again to other last digits)', async () => {
    const { store, measurementSaves } = await open();
    // What the tools give on reopening: the measurements as they were drawn, the values computed again.
    const again = [L1, E1, P1, R1].map((m) => ({ ...m, points: m.points.map((p) => p.map((x) => x + 1e-4)), values: m.values.map((v) => ({ ...v, value: v.value * (1 + 1e-9) })) }));
    store.setSeriesMeasurements(SERIES_A, again);
    await settle();
    await store.flush();
    expect(measurementSaves).toEqual([]);
    expect(store.snapshot().save).toEqual({ kind: 'idle' });
  });

  it('does not save values handed in another order (an SR reads a sphere\'s volume back first), but does a changed value', () => {
    const sphere: SavedMeasurement = {
      trackingUid: '2.25.15',
      tool: 'SphereROI',
      frameOfReferenceUid: `${ROOT}.6`,
      points: [[28.6, -49.5, 111], [41.55, -49.5, 111]],
      values: [
        { quantity: 'suvMax', value: 5.858, unit: '{SUVbw}g/ml' },
        { quantity: 'suvMean', value: 5.2, unit: '{SUVbw}g/ml' },
        { quantity: 'volume', value: 9.144, unit: 'ml' },
      ],
    };
    expect(changeKey([{ ...sphere, values: [...sphere.values].reverse() }])).toBe(changeKey([sphere]));
    expect(changeKey([{ ...sphere, values: sphere.values.map((v) => (v.quantity === 'suvMax' ? { ...v, value: 5.54 } : v)) }])).not.toBe(changeKey([sphere]));
  });

  it('saves a changed geometry once, after the debounce, naming the loaded reports as predecessors; the next save names the new SR', async () => {
    const { store, measurementSaves } = await open();
    const list = paneList(store);
    // A drag: many changes in a moment make one save.
    for (const dx of [1, 2, 3, 4]) store.setSeriesMeasurements(SERIES_A, list.map((m) => (m.trackingUid === L1.trackingUid ? moved(m, dx) : m)));
    expect(store.snapshot().save.kind).toBe('pending');
    await vi.waitFor(() => expect(store.snapshot().save.kind).toBe('saved'));
    await settle();
    expect(measurementSaves).toHaveLength(1);
    const first = measurementSaves[0]!;
    expect(first.studyInstanceUid).toBe(STUDY);
    // Every current report: ours and the other viewer's (oldest first); the superseded version is not named again.
    expect(first.predecessors).toEqual([THEIR_UID, V2_UID]);
    // The whole study: the series not shown keeps what was loaded.
    expect(first.measurements.map((m) => m.trackingUid).sort()).toEqual(['2.25.11', '2.25.12', '2.25.13', '2.25.14', '2.25.99']);
    expectPointsClose(first.measurements.find((m) => m.trackingUid === L1.trackingUid)!.points, moved(L1, 4).points);
    const saved = store.snapshot().save;
    expect(saved).toMatchObject({ kind: 'saved', sopInstanceUid: `${OUR_SR_SERIES}.101` });
    expect(store.ownDocuments()[0]).toBe(`${OUR_SR_SERIES}.101`);

    // The reader deletes the probe: the next version includes the one just saved.
    store.setSeriesMeasurements(SERIES_A, store.snapshot().measurements.filter((m) => m.image?.seriesInstanceUid === SERIES_A && m.trackingUid !== P1.trackingUid));
    await vi.waitFor(() => expect(measurementSaves).toHaveLength(2));
    expect(measurementSaves[1]!.predecessors).toEqual([`${OUR_SR_SERIES}.101`]);
    expect(measurementSaves[1]!.measurements.map((m) => m.trackingUid).sort()).toEqual(['2.25.11', '2.25.12', '2.25.14', '2.25.99']);
    await vi.waitFor(() => expect(store.snapshot().save).toMatchObject({ kind: 'saved', sopInstanceUid: `${OUR_SR_SERIES}.102` }));
  });

  it('saves nothing for an edit undone before the save, and shows the state from before it', async () => {
    const { store, measurementSaves } = await open();
    const list = paneList(store);
    store.setSeriesMeasurements(SERIES_A, list.map((m) => (m.trackingUid === E1.trackingUid ? moved(m, 5) : m)));
    expect(store.snapshot().save.kind).toBe('pending');
    store.setSeriesMeasurements(SERIES_A, list);
    expect(store.snapshot().save).toEqual({ kind: 'idle' });
    await settle();
    expect(measurementSaves).toEqual([]);
  });

  it('keeps the saved values of a measurement drawn again on an image not shown yet (no values), and does not save', async () => {
    const { store, measurementSaves } = await open();
    const bare = paneList(store).map((m) => ({ ...m, values: [] }));
    store.setSeriesMeasurements(SERIES_A, bare);
    await settle();
    await store.flush();
    expect(measurementSaves).toEqual([]);
    expect(store.snapshot().measurements.find((m) => m.trackingUid === E1.trackingUid)!.values).toEqual(E1.values);
    expect(store.snapshot().measurements.find((m) => m.trackingUid === L1.trackingUid)!.values).toEqual(L1.values);

    // Another change saves them with their values, not without.
    store.setSeriesMeasurements(SERIES_A, [...bare.filter((m) => m.trackingUid !== P1.trackingUid)]);
    await vi.waitFor(() => expect(measurementSaves).toHaveLength(1));
    expect(measurementSaves[0]!.measurements.find((m) => m.trackingUid === E1.trackingUid)!.values).toEqual(E1.values);
  });

  it('saves a change still waiting for its debounce at once when the page goes away', async () => {
    const services = fakeServices();
    const store = new StudyReports(services.api, PLANE, STUDY, 60_000);
    await store.loaded;
    store.setSeriesMeasurements(SERIES_A, paneList(store).filter((m) => m.trackingUid !== P1.trackingUid));
    store.leave();
    await vi.waitFor(() => expect(services.measurementSaves).toHaveLength(1));
    expect(services.measurementSaves[0]!.measurements.map((m) => m.trackingUid)).not.toContain(P1.trackingUid);
    // Nothing waiting: leaving saves nothing more.
    store.leave();
    await settle();
    expect(services.measurementSaves).toHaveLength(1);
  });

  it('leaves a save under way to finish: the page losing its answer does not make it save the same version twice', async () => {
    const services = fakeServices();
    let cancel: (err: Error) => void = () => undefined;
    const saves: SaveMeasurementsRequest[] = [];
    const api = async () => ({ reports: { ...(await services.api()).reports, saveMeasurements: (req: SaveMeasurementsRequest) => (saves.push(req), new Promise<never>((_, reject) => (cancel = reject))) } });
    const store = new StudyReports(api, PLANE, STUDY, DEBOUNCE);
    await store.loaded;
    store.setSeriesMeasurements(SERIES_A, paneList(store).filter((m) => m.trackingUid !== P1.trackingUid));
    await vi.waitFor(() => expect(saves).toHaveLength(1));
    store.leave();
    // The browser cancels the page's request as it goes (the services have it already).
    cancel(new TypeError('Failed to fetch'));
    await settle();
    expect(saves).toHaveLength(1);
  });

  it('after a failed save says so, keeps the change, and saves it again on retry', async () => {
    const services = fakeServices();
    services.failNext(new Error('The archive is full'));
    const { store, measurementSaves } = await open(services);
    store.setSeriesMeasurements(SERIES_A, paneList(store).map((m) => (m.trackingUid === L1.trackingUid ? moved(m, 2) : m)));
    await vi.waitFor(() => expect(store.snapshot().save.kind).toBe('failed'));
    expect((store.snapshot().save as { error: Error }).error.message).toBe('The archive is full');
    expect(measurementSaves).toHaveLength(1);
    await settle();
    expect(measurementSaves).toHaveLength(1);

    store.retry();
    await vi.waitFor(() => expect(store.snapshot().save.kind).toBe('saved'));
    expect(measurementSaves).toHaveLength(2);
    expect(measurementSaves[1]!.predecessors).toEqual([THEIR_UID, V2_UID]);
    expect(changeKey(measurementSaves[1]!.measurements)).toBe(changeKey(measurementSaves[0]!.measurements));
    // Nothing left to save: retry again does nothing.
    store.retry();
    await settle();
    expect(measurementSaves).toHaveLength(2);
  });
});

describe('StudyReports: key images', () => {
  it('marks an image under a title, then unmarks it; each saved as the title\'s new document', async () => {
    const { store, keyImageSaves, measurementSaves } = await open();
    const ref = { sopInstanceUid: sop(2), sopClassUid: CT, seriesInstanceUid: SERIES_A };
    store.toggleKeyImage(ref, 'forTeaching');
    expect(store.isKey(ref)).toBe('forTeaching');
    expect(store.snapshot().keyImages).toContainEqual({ ...ref, title: 'forTeaching', titleText: 'forTeaching', own: true });
    await vi.waitFor(() => expect(keyImageSaves).toHaveLength(1));
    expect(keyImageSaves[0]).toMatchObject({ studyInstanceUid: STUDY, title: 'forTeaching', images: [ref] });
    await vi.waitFor(() => expect(store.snapshot().save.kind).toBe('saved'));

    // Another image under the same title, then the first unmarked: the title's document keeps the second.
    const other = { sopInstanceUid: sop(1), sopClassUid: CT, seriesInstanceUid: SERIES_A };
    store.toggleKeyImage(other, 'forTeaching');
    store.toggleKeyImage(ref, 'forTeaching');
    expect(store.isKey(ref)).toBeUndefined();
    expect(store.isKey(other)).toBe('forTeaching');
    await vi.waitFor(() => expect(keyImageSaves).toHaveLength(2));
    expect(keyImageSaves[1]).toMatchObject({ title: 'forTeaching', images: [other] });
    expect(measurementSaves).toEqual([]);
    expect(store.ownDocuments()).toContain(`${KO_SERIES}.102`);
  });

  it('unmarks a key image loaded from the viewer\'s own document, whatever title the toggle names', async () => {
    const { store } = await open();
    store.toggleKeyImage({ sopInstanceUid: sop(3) }, 'forSurgery');
    expect(store.isKey({ sopInstanceUid: sop(3) })).toBeUndefined();
    expect(store.snapshot().keyImages.filter((k) => k.sopInstanceUid === sop(3))).toEqual([]);
  });

  it('unmarking a title\'s last key image asks for its saved document to be rejected (no images); the note is what is sent, not the old KO', async () => {
    const { store, keyImageSaves } = await open();
    expect(store.ownDocuments()).toContain(KO_UID);
    store.toggleKeyImage({ sopInstanceUid: sop(3) }, 'ofInterest');
    await vi.waitFor(() => expect(keyImageSaves).toHaveLength(1));
    expect(keyImageSaves[0]).toMatchObject({ studyInstanceUid: STUDY, title: 'ofInterest', images: [] });
    await vi.waitFor(() => expect(store.snapshot().save.kind).toBe('saved'));
    expect(store.ownDocuments()).not.toContain(KO_UID);
    expect(store.ownDocuments()).toContain(`${KO_SERIES}.101`);
  });

  it('saves nothing for a title marked and unmarked before its first save (nothing to reject)', async () => {
    const { store, keyImageSaves } = await open();
    const ref = { sopInstanceUid: sop(2), sopClassUid: CT, seriesInstanceUid: SERIES_A };
    store.toggleKeyImage(ref, 'forResearch');
    store.toggleKeyImage(ref, 'forResearch');
    await settle();
    await store.flush();
    expect(keyImageSaves).toEqual([]);
  });
});

describe('StudyReports: when the reports cannot be loaded', () => {
  it('says so, and saves nothing over the reports it did not see', async () => {
    for (const failing of [`/studies/${STUDY}/series`, `/studies/${STUDY}/series/${THEIR_SR_SERIES}/metadata`]) {
      serve({ [failing]: 503 });
      const { store, measurementSaves, keyImageSaves } = await open();
      expect(store.snapshot().loaded, failing).toBe(true);
      expect(store.snapshot().loadError, failing).toBeInstanceOf(Error);
      store.setSeriesMeasurements(SERIES_A, [L1]);
      store.toggleKeyImage({ sopInstanceUid: sop(2) }, 'ofInterest');
      await settle();
      await store.flush();
      expect(measurementSaves, failing).toEqual([]);
      expect(keyImageSaves, failing).toEqual([]);
      expect(store.snapshot().save, failing).toEqual({ kind: 'idle' });
      expect(store.isKey({ sopInstanceUid: sop(2) }), failing).toBeUndefined();
    }
  });
});
