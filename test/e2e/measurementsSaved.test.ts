/**
 * Issue #19, what the reader finds and marks lasts: on the demo CT a length, an ellipse ROI and a probe are drawn,
 * the page is reloaded, and they are back with the same values; the SR the viewer wrote into the archive passes
 * dciodvfy and reads the same through dcmjs's TID 1500 adapter (what OHIF reads with); an SR written by dcmjs's
 * adapter for another viewer's length is drawn at its coordinates (pixel check); a key image marked is listed
 * after a reload and the jump lands on it; the KO passes dciodvfy; undo takes back a deletion.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getString, type DicomJsonDataset } from '../../common/dicom/dicomJson';
import type { SeriesInstanceUid, SopInstanceUid, StudyInstanceUid } from '../../common/dicom/uid';
import { Tag } from '../../common/dicom/tags';
import { summarizeAuditXml } from '../../common/audit/summary';
import { savedFromSr } from '../../common/sr/savedFromSr';
import { currentReports, DOKUEI_KEY_IMAGES_SERIES, DOKUEI_MEASUREMENTS_SERIES, readKeyObject } from '../../common/sr/studyDocuments';
import { dciodvfy } from '../integration/suv/dciodvfy';
import { demoCtDir } from '../support/data';
import { writeDcmjs } from '../support/dcmjsWrite';
import { decodePng } from '../support/png';
import { shotsDir, startE2eSession, type E2eSession } from '../support/e2eSession';
import { canvasBox, dragOnCanvas, hookCall, waitForRenderedImage } from '../support/viewerPage';
import { dcm } from '../unit/common/sr/srFixtures';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shotsDir, `e2e-marks-${name}.png`) });

interface HookMeasurement {
  uid: string;
  tool: string;
  imageId: string;
  text: string;
  stats: { length?: number; mean?: number; stdDev?: number; area?: number; value?: number };
  handles: [number, number][];
}

const sopOf = (imageId: string) => /\/instances\/([0-9.]+)\/frames\//.exec(imageId)?.[1] ?? '';

describe('measurements and key images saved as DICOM and read again', () => {
  let session: E2eSession;
  let page: Page;
  let study: string;
  let series: string;
  let shownSop: string;
  /** The KO the key image test saved (the next test unmarks its image). */
  let keyObjectSop = '';
  const measured: HookMeasurement[] = [];
  /** The foreign (dcmjs-written) length: image pixel coordinates on the shown image. */
  const foreign = { uid: '2.25.190000000000000000000000000000001', points: [[120.5, 300.5], [260.5, 330.5]] as [number, number][] };

  const openDemo = async () => {
    const row = page.locator('tr[data-study-uid]', { hasText: 'LIDC-IDRI-0314' });
    await row.waitFor({ timeout: 60000 });
    await row.click();
    // Once the study holds SR and KO series too, the CT is named (their tiles open the report panel, not a viewport).
    const s = series ? page.locator(`li[data-series-uid="${series}"]`) : page.locator('li[data-series-uid]').first();
    await s.waitFor({ timeout: 60000 });
    await s.click();
    await waitForRenderedImage(page);
  };
  const measurements = () => hookCall<HookMeasurement[]>(page, 'measurements');
  const savedState = () => page.locator('[data-testid="marks-status"]').getAttribute('data-state');
  const store = () => session.host.services.store;
  /** The instances of the viewer's series of this kind (their headers). */
  const ownDocuments = (description: string) => {
    const s = (store().series(study as StudyInstanceUid) ?? []).find((x) => getString(x, '0008103E')?.trim() === description);
    return s ? (store().instances(study as StudyInstanceUid, getString(s, Tag.SeriesInstanceUID)!.trim() as SeriesInstanceUid) ?? []) : [];
  };
  /** The newest instance of the viewer's series of this kind, as Part 10 bytes and its header. */
  const newestOwn = async (description: string) => {
    const s = (store().series(study as StudyInstanceUid) ?? []).find((x) => getString(x, '0008103E')?.trim() === description);
    expect(s, `a "${description}" series in the archive`).toBeDefined();
    const uid = getString(s!, Tag.SeriesInstanceUID)!.trim();
    const list = store().instances(study as StudyInstanceUid, uid as SeriesInstanceUid) ?? [];
    const newest = [...list].sort((a, b) => Number(getString(b, '00200013')) - Number(getString(a, '00200013')))[0]!;
    const sop = getString(newest, Tag.SOPInstanceUID)!.trim();
    const bytes = await store().readInstance(study as StudyInstanceUid, uid as SeriesInstanceUid, sop as SopInstanceUid);
    const file = path.join(session.dataDir, `${description.replace(/\W/g, '_')}-${sop}.dcm`);
    await fs.writeFile(file, bytes!);
    return { file, bytes: bytes!, header: newest };
  };

  beforeAll(async () => {
    session = await startE2eSession({ prefix: 'dokuei-e2e-marks-', seedDemo: true, hostOptions: { demoDir: demoCtDir() }, viewport: { width: 1400, height: 860 } });
    page = session.page;
    await page.goto(session.host.url);
    await openDemo();
    const view = await hookCall<{ imageId: string }>(page, 'viewState');
    shownSop = sopOf(view.imageId);
    const header = store()
      .studies()
      .map((d) => getString(d, Tag.StudyInstanceUID)!.trim())
      .map((st) => store().instances(st as StudyInstanceUid)?.find((d) => getString(d, Tag.SOPInstanceUID)?.trim() === shownSop))
      .find(Boolean) as DicomJsonDataset;
    study = getString(header, Tag.StudyInstanceUID)!.trim();
    series = getString(header, Tag.SeriesInstanceUID)!.trim();

    // Another viewer's measurement: a length written by dcmjs's Cornerstone3D adapter (OHIF's export), put into
    // the archive as a PACS would hold it. World coordinates are image coordinates for this writer (see srFixtures).
    const imageId = 'foreign:1';
    const meta = {
      get(type: string, id: string) {
        if (id !== imageId) return undefined;
        if (type === 'sopCommonModule') return { sopInstanceUID: shownSop, sopClassUID: '1.2.840.10008.5.1.4.1.1.2' };
        if (type === 'generalSeriesModule') return { studyInstanceUID: study, seriesInstanceUID: series };
        if (type === 'instance') return { NumberOfFrames: 1 };
        return undefined;
      },
    };
    const length = Math.hypot(foreign.points[1]![0] - foreign.points[0]![0], foreign.points[1]![1] - foreign.points[0]![1]) * 0.78125;
    const state = {
      [imageId]: {
        Length: {
          data: [{ annotationUID: foreign.uid, metadata: { referencedImageId: imageId, toolName: 'Length' }, data: { handles: { points: foreign.points.map((p) => [...p, 0]) }, cachedStats: { [`imageId:${imageId}`]: { length, unit: 'mm' } } } }],
        },
      },
    };
    const ds = dcm.adapters.Cornerstone3D.MeasurementReport.generateReport(state, meta, (_id, p) => [p[0]!, p[1]!], {}).dataset;
    Object.assign(ds, {
      PatientName: getString(header, Tag.PatientName) ?? '',
      PatientID: getString(header, Tag.PatientID) ?? '',
      StudyInstanceUID: study,
      // UIDs of its own (the CT's are 64 characters already: nothing can be appended to them).
      SeriesInstanceUID: '2.25.190000000000000000000000000000777',
      SOPInstanceUID: '2.25.190000000000000000000000000000778',
      SeriesDescription: 'OHIF measurements',
      Modality: 'SR',
    });
    // The adapter names its tracking UID itself; ours is what the viewer keys the drawing by.
    const groups = (ds as { ContentSequence: { ContentSequence?: unknown[] }[] }).ContentSequence;
    const trackingUid = JSON.stringify(groups).match(/"UID":"([0-9.]+)"/)?.[1];
    foreign.uid = trackingUid ?? foreign.uid;
    expect((await store().put(writeDcmjs(ds as Record<string, unknown>))).kind).toBe('stored');
  });

  afterAll(() => session?.close());

  it('draws a length, an ellipse and a probe, and saves them in the archive', async () => {
    const box = await canvasBox(page);
    await page.locator('.viewport').focus();
    // The left button goes to the tool once the viewport has taken it: wait for that before pressing the mouse.
    const tool = async (key: string, name: string) => {
      await page.keyboard.press(key);
      await expect.poll(() => page.locator('.viewport').getAttribute('data-tool')).toBe(name);
      await new Promise((r) => setTimeout(r, 200));
    };
    await tool('l', 'Length');
    await dragOnCanvas(page, [box.width * 0.3, box.height * 0.3], [box.width * 0.6, box.height * 0.35]);
    await tool('e', 'EllipticalROI');
    await dragOnCanvas(page, [box.width * 0.5, box.height * 0.55], [box.width * 0.56, box.height * 0.6]);
    await tool('b', 'Probe');
    // Away from the other two: a press on a measurement's outline would grab it instead.
    const probes = async () => (await measurements()).filter((m) => m.tool === 'Probe').length;
    for (let attempt = 0; attempt < 3 && (await probes()) === 0; attempt++) {
      await page.mouse.click(box.x + box.width * (0.35 + attempt * 0.02), box.y + box.height * 0.8);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await page.keyboard.press('w');
    await expect.poll(async () => (await measurements()).filter((m) => !m.text.endsWith('…')).length, { timeout: 20000 }).toBe(3);
    // Stats of a drag's last step come throttled: wait until the list stops changing.
    let last = '';
    await expect
      .poll(async () => {
        const now = JSON.stringify((await measurements()).map((m) => m.text));
        const settled = now === last;
        last = now;
        return settled;
      }, { interval: 500, timeout: 20000 })
      .toBe(true);
    measured.push(...(await measurements()));
    expect(measured.map((m) => m.tool).sort()).toEqual(['EllipticalROI', 'Length', 'Probe']);
    await expect.poll(savedState, { timeout: 20000 }).toBe('saved');
    await shot(page, 'drawn');
  });

  it('brings them back after a reload, with the same values, and draws another viewer’s length at its coordinates', async () => {
    const versions = ownDocuments(DOKUEI_MEASUREMENTS_SERIES).length;
    await page.reload();
    await openDemo();
    await expect.poll(async () => (await measurements()).filter((m) => !m.text.endsWith('…')).length, { timeout: 30000 }).toBe(4);
    const again = await measurements();
    for (const m of measured) {
      const back = again.find((x) => x.tool === m.tool && x.uid !== foreign.uid);
      expect(back, m.tool).toBeDefined();
      // What the reader reads: the same line of values.
      expect(back!.text).toBe(m.text);
      for (let i = 0; i < m.handles.length; i++) {
        expect(Math.abs(back!.handles[i]![0] - m.handles[i]![0])).toBeLessThan(0.01);
        expect(Math.abs(back!.handles[i]![1] - m.handles[i]![1])).toBeLessThan(0.01);
      }
    }
    const theirs = again.find((x) => x.uid === foreign.uid);
    expect(theirs, 'the dcmjs-written length').toBeDefined();
    expect(theirs!.tool).toBe('Length');
    expect(sopOf(theirs!.imageId)).toBe(shownSop);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(theirs!.handles[i]![0] - foreign.points[i]![0])).toBeLessThan(0.01);
      expect(Math.abs(theirs!.handles[i]![1] - foreign.points[i]![1])).toBeLessThan(0.01);
    }
    // Pixel check: the line is drawn where its coordinates fall on the screen (annotation yellow on a grey CT).
    const box = await canvasBox(page);
    const mid = await hookCall<[number, number]>(page, 'imageToCanvas', (foreign.points[0]![0] + foreign.points[1]![0]) / 2, (foreign.points[0]![1] + foreign.points[1]![1]) / 2);
    const png = decodePng(await page.screenshot({ clip: { x: box.x + mid[0] - 6, y: box.y + mid[1] - 6, width: 13, height: 13 } }));
    let coloured = 0;
    for (let i = 0; i < png.width * png.height; i++) {
      const at = i * png.channels;
      const [r, g, b] = [png.pixels[at]!, png.pixels[at + 1]!, png.pixels[at + 2]!];
      if (Math.max(r, g) - b > 80) coloured++;
    }
    expect(coloured).toBeGreaterThan(3);
    await shot(page, 'reloaded');
    // Reopening saved nothing: the values computed again are the ones saved (a save comes 600 ms after a change).
    await page.waitForTimeout(1500);
    expect(ownDocuments(DOKUEI_MEASUREMENTS_SERIES)).toHaveLength(versions);
  });

  it('wrote a TID 1500 SR that passes dciodvfy and that dcmjs’s adapter reads the same', async () => {
    const { file, bytes } = await newestOwn(DOKUEI_MEASUREMENTS_SERIES);
    const v = await dciodvfy(file);
    expect(v.errors, v.output).toEqual([]);
    type Naturalized = Record<string, unknown>;
    const data = (dcmjs as unknown as { data: { DicomMessage: { readFile(b: ArrayBuffer): { dict: unknown } }; DicomMetaDictionary: { naturalizeDataset(d: unknown): Naturalized } } }).data;
    const ds = data.DicomMetaDictionary.naturalizeDataset(data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).dict);
    const imageIds: Record<string, string> = {};
    for (const m of measured) imageIds[sopOf(m.imageId)] = m.imageId;
    // Image coordinates as world coordinates (z = 0), the columns along y: what the adapter's ellipse reading needs.
    const meta = { get: (type: string) => (type === 'imagePlaneModule' ? { frameOfReferenceUID: '1.2.3', columnCosines: [0, 1, 0] } : type === 'instance' ? { NumberOfFrames: 1 } : undefined) };
    const state = dcm.adapters.Cornerstone3D.MeasurementReport.generateToolState(ds, imageIds, (_id, p) => [p[0]!, p[1]!, 0], meta) as unknown as Record<string, { annotation: { data: { handles: { points: number[][] }; cachedStats?: Record<string, Record<string, number>> } } }[]>;
    const length = measured.find((m) => m.tool === 'Length')!;
    const theirLength = state.Length?.find((a) => Math.abs(a.annotation.data.handles.points[0]![0]! - length.handles[0]![0]) < 0.01);
    expect(theirLength, 'our length read by dcmjs').toBeDefined();
    const stats = Object.values(theirLength!.annotation.data.cachedStats ?? {})[0] ?? {};
    expect(stats.length).toBeCloseTo(length.stats.length!, 3);
    const ellipse = measured.find((m) => m.tool === 'EllipticalROI')!;
    const theirEllipse = state.EllipticalROI?.[0];
    expect(theirEllipse, 'our ellipse read by dcmjs').toBeDefined();
    // The ellipse's four axis ends are the same points, in the adapter's order.
    const sortPts = (p: number[][]) => p.map((q) => `${q[0]!.toFixed(2)},${q[1]!.toFixed(2)}`).sort();
    expect(sortPts(theirEllipse!.annotation.data.handles.points)).toEqual(sortPts(ellipse.handles));
    const probe = measured.find((m) => m.tool === 'Probe')!;
    const theirProbe = state.Probe?.[0];
    expect(theirProbe, 'our probe read by dcmjs').toBeDefined();
    expect(theirProbe!.annotation.data.handles.points[0]![0]).toBeCloseTo(probe.handles[0]![0], 2);
    expect(theirProbe!.annotation.data.handles.points[0]![1]).toBeCloseTo(probe.handles[0]![1], 2);
  });

  it('undoes a deletion with Ctrl+Z', async () => {
    const rows = page.locator('[data-testid="measurement"]');
    const count = await rows.count();
    await page.locator('[data-testid="measurement"][data-tool="Probe"] button').click();
    await expect.poll(() => rows.count()).toBe(count - 1);
    await page.locator('.viewport').focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => rows.count()).toBe(count);
    expect(await page.locator('[data-testid="measurement"][data-tool="Probe"]').count()).toBe(1);
  });

  it('exports the measurements as CSV, the export recorded in the audit trail (file, study, patient) first', async () => {
    const rows = await page.locator('[data-testid="measurement"]').count();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`measurements-${study}.csv`);
    const csv = await fs.readFile((await download.path())!, 'utf8');
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('number,tool,label,series_instance_uid,sop_instance_uid,frame,quantity,value,unit,tracking_uid');
    // One row per value: at least one per measurement listed.
    expect(lines.length - 1).toBeGreaterThanOrEqual(rows);
    const exports = (await session.host.services.audit.records()).map((r) => ({ ...summarizeAuditXml(r.xml), xml: r.xml })).filter((r) => r.eventId === '110106');
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({ studyUids: [study], patientIds: ['LIDC-IDRI-0314'] });
    expect(exports[0]!.xml).toContain(`download:measurements-${study}.csv`);
    expect(exports[0]!.xml).toContain(`Measurements exported as CSV (${lines.length - 1} rows)`);
  });

  it('marks a key image, lists it after a reload, jumps to it; the KO passes dciodvfy', async () => {
    await page.locator('.viewport').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await hookCall<{ index: number }>(page, 'viewState')).index).not.toBe(undefined);
    const marked = await hookCall<{ index: number; imageId: string }>(page, 'viewState');
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('[data-testid="key-image-toggle"]').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(savedState, { timeout: 20000 }).toBe('saved');
    // Scrolling to slices with a frame of reference of their own (LIDC-IDRI gives each slice one) kept the
    // measurements drawn elsewhere: the viewer's current SR still holds all of them (a version without them was
    // saved once).
    const { ds } = currentReports(ownDocuments(DOKUEI_MEASUREMENTS_SERIES).map((d) => ({ ds: d }))).at(-1)!;
    expect(savedFromSr(ds).measurements.map((m) => m.tool).sort()).toEqual(['EllipticalROI', 'Length', 'Probe']);

    await page.reload();
    await openDemo();
    const item = page.locator('[data-testid="key-image"]');
    await expect.poll(() => item.count(), { timeout: 30000 }).toBe(1);
    expect(await item.getAttribute('data-sop')).toBe(sopOf(marked.imageId));
    expect(await item.textContent()).toMatch(/Of Interest/);
    expect((await hookCall<{ index: number }>(page, 'viewState')).index).not.toBe(marked.index);
    await item.locator('button').first().click();
    await expect.poll(async () => (await hookCall<{ index: number }>(page, 'viewState')).index).toBe(marked.index);
    await expect.poll(() => page.locator('[data-testid="key-image-toggle"]').getAttribute('aria-pressed')).toBe('true');
    await shot(page, 'key-image');

    const { file, header } = await newestOwn(DOKUEI_KEY_IMAGES_SERIES);
    expect(getString(header, Tag.Modality)).toBe('KO');
    const v = await dciodvfy(file);
    expect(v.errors, v.output).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    keyObjectSop = getString(header, Tag.SOPInstanceUID)!.trim();
  });

  it('unmarks it (the title\'s last key image): gone after a reload; the IOCM rejection note of the KO passes dciodvfy', async () => {
    // Still on the key image the jump landed on.
    await page.locator('.viewport').focus();
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('[data-testid="key-image-toggle"]').getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => page.locator('[data-testid="key-image"]').count()).toBe(0);
    await expect.poll(savedState, { timeout: 20000 }).toBe('saved');

    await page.reload();
    await openDemo();
    await page.locator('[data-testid="study-marks"][data-loaded="true"]').waitFor({ timeout: 30000 });
    // The measurements drawn earlier are back (the marks were read), and no key image is.
    await expect.poll(() => page.locator('[data-testid="measurement"]').count(), { timeout: 30000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="key-image"]').count()).toBe(0);

    const { file, header } = await newestOwn(DOKUEI_KEY_IMAGES_SERIES);
    expect(readKeyObject(header)).toMatchObject({ title: { value: '113001', meaning: 'Rejected for Quality Reasons' }, images: [], rejects: [keyObjectSop] });
    const v = await dciodvfy(file);
    expect(v.errors, v.output).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });

  it('keeps a deletion made just before the page goes away (saved as it closes, not 600 ms later)', async () => {
    const rows = page.locator('[data-testid="measurement"]');
    const probe = page.locator('[data-testid="measurement"][data-tool="Probe"]');
    await expect.poll(() => probe.count()).toBe(1);
    const versions = ownDocuments(DOKUEI_MEASUREMENTS_SERIES).length;
    const count = await rows.count();
    await probe.locator('button').click();
    await expect.poll(() => rows.count()).toBe(count - 1);
    await page.reload();
    await openDemo();
    await page.locator('[data-testid="study-marks"][data-loaded="true"]').waitFor({ timeout: 30000 });
    await expect.poll(() => rows.count(), { timeout: 30000 }).toBe(count - 1);
    expect(await probe.count()).toBe(0);
    expect(ownDocuments(DOKUEI_MEASUREMENTS_SERIES)).toHaveLength(versions + 1);
    expect(session.pageErrors).toEqual([]);
  });
});
