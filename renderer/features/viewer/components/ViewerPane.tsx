/** Opens one series: loads its metadata over the data plane, orders it, and shows it with overlays. */
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { useShortcutMap } from '../../settings';
import { distanceFromPlane, nearestPlaneIndex, planeOf, referenceLine, type ImagePlane, type Vec3 } from '../model/imagePlane';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { StackViewport, stackEntries, windowPresetById, sortInstancesForStack, type CineState, type Measurement, type StackEntry, type StackTool, type StackViewportHandle, type ViewState } from '../../../imaging';
import { MeasurementList } from './MeasurementList';
import { StackOverlay } from './StackOverlay';
import { StackToolbar } from './StackToolbar';
import { getDicomJson } from '../../../platform/dicomweb';
import { SegOutlineLayer, SuvPanel, overlayLine, suvReadout, suvText, useSeriesSeg, useSeriesSuv } from '../../suv';
import type { DataPlane } from '../../../platform/platform';
import { useRtReview } from '../../rt';
import { errorText, useTranslation } from '../../../ui/i18n';
import { StudyMarksPanel, useStudyReports, type KeyImage } from '../../measurements';
import type { KeyImageTitle, SavedImageRef, SavedMeasurement } from '../../../../common/sr/savedMeasurements';
import { JUMP_TO_IMAGE_EVENT, markJumpTaken, requestJumpToImage, takePendingJump, type JumpToImage } from '../../reports';

export interface ViewerPaneProps {
  plane: DataPlane;
  series?: SeriesSummary;
  /** Viewport label (screen readers, test hook key): unique per page when several panes are shown. */
  label?: string;
  /** A line above the overlays, e.g. "Prior 2019-03-02". */
  caption?: string;
  /** The shown slice index and its plane, whenever the slice changes (linked scrolling, reference lines). */
  onIndexChange?: (index: number, plane: ImagePlane | undefined) => void;
  /** The plane of the image another cell shows: drawn here as a reference line where it cuts this image. */
  referencePlane?: ImagePlane;
  /** Window/level preset id the series opens in (the hanging protocol's, e.g. "lung"); the image's window otherwise. */
  preset?: string;
  ref?: Ref<ViewerPaneHandle>;
}

/** What the workspace may ask of a pane. */
export interface ViewerPaneHandle {
  /** Scrolls by delta slices (cornerstone clamps at the ends). */
  scroll(delta: number): void;
  /** Shows the slice nearest to a patient-space point (same frame of reference), if there is one. */
  showNearest(point: Vec3, frameOfReferenceUid: string): void;
}

export function ViewerPane({ plane, series, label = 'Main viewport', caption, onIndexChange, referencePlane, preset, ref }: ViewerPaneProps) {
  const { t } = useTranslation();
  const [entries, setEntries] = useState<StackEntry[]>();
  const [error, setError] = useState<string>();
  const [view, setView] = useState<ViewState>();
  const [tool, setTool] = useState<StackTool>('WindowLevel');
  const [cine, setCine] = useState<CineState>({ playing: false, fps: 10 });
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  const viewport = useRef<StackViewportHandle>(null);
  const keymap = useShortcutMap();
  // Issue #19: the study's saved measurements and key images. The pane draws the saved ones on its images once the
  // viewport is up, then hands its series' measurements to the store on every change (saved a moment later).
  const reports = useStudyReports(plane, series?.studyInstanceUid);
  const [keyTitle, setKeyTitle] = useState<KeyImageTitle>('ofInterest');
  /** The entries whose saved measurements were drawn: until then the pane's (empty) list must not replace them. */
  const restored = useRef<StackEntry[] | undefined>(undefined);
  const restoring = useRef<StackEntry[] | undefined>(undefined);
  /** Saved measurements of this series the viewport could not draw: kept in every save, never dropped unseen. */
  const undrawn = useRef<SavedMeasurement[]>([]);
  const seriesMeasurements = () => [...(viewport.current?.savedMeasurements() ?? []), ...undrawn.current];
  const [currentRef, setCurrentRef] = useState<SavedImageRef>();
  // PET: SUV from the series' inputs and saved corrections, applied to readouts as a scale (issue #7).
  const isPet = series?.modality === 'PT';
  const [suvOpen, setSuvOpen] = useState(false);
  const petMetadata = useMemo(() => (isPet ? entries?.map((e) => e.metadata) : undefined), [isPet, entries]);
  const suv = useSeriesSuv(isPet && series ? series : undefined, petMetadata);
  // One frame of reference per series: some anonymizers give every slice its own Frame of Reference UID
  // (LIDC-IDRI does), which would otherwise make the slices of one series unrelated.
  const planes = useMemo(() => {
    const list = (entries ?? []).map((e) => planeOf(e.metadata));
    const seriesFor = list.find(Boolean)?.frameOfReferenceUid;
    return list.map((p) => (p && seriesFor ? { ...p, frameOfReferenceUid: seriesFor } : p));
  }, [entries]);
  const shown = useRef({ index: 0, planes });
  shown.current.planes = planes;
  const sliceSpacing = useMemo(() => medianSpacing(planes), [planes]);
  useImperativeHandle(
    ref,
    () => ({
      scroll: (delta: number) => viewport.current?.run({ kind: 'scroll', delta }),
      showNearest: (point: Vec3, frameOfReferenceUid: string) => {
        const ps = shown.current.planes;
        const target = nearestPlaneIndex(
          ps.map((p) => (p && p.frameOfReferenceUid === frameOfReferenceUid ? p : undefined)),
          point,
        );
        // From the image shown now, not the last reported one: scrolls may still be on their way.
        const index = viewport.current?.currentIndex() ?? shown.current.index;
        if (target !== undefined && target !== index) viewport.current?.run({ kind: 'scroll', delta: target - index });
      },
    }),
    [],
  );
  const indexListener = useRef(onIndexChange);
  indexListener.current = onIndexChange;
  const lastReported = useRef<number | undefined>(undefined);
  const onReady = () => {
    // A report's image reference (or a key image) of this series, asked for before the series was open.
    const jump = series ? takePendingJump(series.seriesInstanceUid) : undefined;
    if (jump) viewport.current?.showImage(jump);
    restoreSaved();
  };
  const restoreSaved = () => {
    const store = reports.store;
    const list = entries;
    if (!store || !list || !series || restoring.current === list) return;
    restoring.current = list;
    void store.loaded.then(() => {
      if (restoring.current !== list || !viewport.current) return;
      // The viewport reports views while it is still being built: drawing waits for it (onReady tries again).
      if (viewport.current.currentIndex() === undefined) {
        restoring.current = undefined;
        return;
      }
      const keys = new Set<string>();
      for (const e of list) {
        const sop = (e.metadata['00080018']?.Value?.[0] as string | undefined)?.trim();
        const frames = Number(e.metadata['00280008']?.Value?.[0] ?? 1) || 1;
        const frame = Number(/\/frames\/(\d+)$/.exec(e.imageId)?.[1] ?? 1);
        if (sop) keys.add(`${sop}/${frames > 1 ? frame : 1}`);
      }
      const saved = store.measurementsOn(keys);
      const drawn = new Set(viewport.current.restoreMeasurements(saved));
      undrawn.current = saved.filter((m) => !drawn.has(m.trackingUid));
      restored.current = list;
      store.setSeriesMeasurements(series.seriesInstanceUid, seriesMeasurements());
    });
  };
  const onMeasurementsChanged = (list: Measurement[]) => {
    setMeasurements(list);
    if (reports.store && series && entries && restored.current === entries && viewport.current) reports.store.setSeriesMeasurements(series.seriesInstanceUid, seriesMeasurements());
  };
  const onViewState = (v: ViewState) => {
    setView(v);
    restoreSaved();
    setCurrentRef(viewport.current?.currentImageRef());
    shown.current.index = v.index;
    if (v.index !== lastReported.current) {
      lastReported.current = v.index;
      indexListener.current?.(v.index, shown.current.planes[v.index]);
    }
  };

  useEffect(() => {
    if (!series) return;
    const ctl = new AbortController();
    setEntries(undefined);
    setError(undefined);
    setView(undefined);
    lastReported.current = undefined;
    restored.current = undefined;
    restoring.current = undefined;
    undrawn.current = [];
    setMeasurements([]);
    setCine((c) => ({ ...c, playing: false }));
    getDicomJson(plane, dicomwebPath.seriesMetadata(series.studyInstanceUid, series.seriesInstanceUid), ctl.signal)
      .then((a) => {
        const list = stackEntries(plane.baseUrl, sortInstancesForStack(a.items));
        if (list.length === 0) throw new Error(t('stack.noImages'));
        setEntries(list);
      })
      .catch((err: Error) => err.name !== 'AbortError' && setError(errorText(t, err)));
    return () => ctl.abort();
  }, [plane, series]);

  // A report's image reference or a key image of this series: the pane showing the series shows the image.
  useEffect(() => {
    const onJump = (e: CustomEvent<JumpToImage>) => {
      if (series && e.detail.seriesInstanceUid === series.seriesInstanceUid && viewport.current?.showImage(e.detail)) markJumpTaken(e.detail);
    };
    window.addEventListener(JUMP_TO_IMAGE_EVENT, onJump);
    return () => window.removeEventListener(JUMP_TO_IMAGE_EVENT, onJump);
  }, [series]);

  // Where the other cell's image cuts this one, in canvas pixels; recomputed on every render (zoom, pan, slice).
  const shownPlane = planes[view?.index ?? -1];
  const segment = referencePlane && shownPlane ? referenceLine(referencePlane, shownPlane) : undefined;
  // RT structure sets, doses and plans of the study over this series (same frame of reference), issue #17.
  const rt = useRtReview({
    plane,
    studyUid: entries ? series?.studyInstanceUid : undefined,
    frameOfReferenceUid: planes.find(Boolean)?.frameOfReferenceUid,
    sliceSpacingMm: sliceSpacing,
    shown: shownPlane,
    imageToCanvas: (c, r) => viewport.current?.imageToCanvas(c, r),
    canvasToWorld: (x, y) => viewport.current?.canvasToWorld(x, y),
    showNearest: (point) => {
      const target = nearestPlaneIndex(shown.current.planes, point);
      const index = viewport.current?.currentIndex() ?? shown.current.index;
      if (target !== undefined && target !== index) viewport.current?.run({ kind: 'scroll', delta: target - index });
    },
  });
  // DICOM SEGs of this series, outlined on the image shown.
  const seriesMetadata = useMemo(() => (entries ? [...new Set(entries.map((e) => e.metadata))] : undefined), [entries]);
  const seg = useSeriesSeg(plane, entries ? series : undefined, seriesMetadata);
  // The models count pixels from the first pixel's centre (0, 0 = Image Position); the viewport's image
  // coordinates from its corner (cornerstone: 0.5, 0.5 = the first pixel's centre).
  const centreToCanvas = (column: number, row: number) => viewport.current?.imageToCanvas(column + 0.5, row + 0.5);
  const from = segment ? centreToCanvas(segment.from.column, segment.from.row) : undefined;
  const to = segment ? centreToCanvas(segment.to.column, segment.to.row) : undefined;

  if (!series) return <div className="empty">{t('stack.selectSeries')}</div>;
  if (error) return <div className="empty" role="alert">{t('stack.openFailed', { error })}</div>;
  if (!entries) return <div className="empty">{t('stack.loading')}</div>;

  const initialWindow = windowPresetById(preset);
  const first = entries[0]!.metadata;
  const current = entries[view?.index ?? 0]?.metadata ?? first;
  const suvResult = suv?.results[view?.index ?? 0];
  const suvOf = suv ? (m: Measurement) => suvReadout(m.stats, suv.results[(m.slice ?? 1) - 1]?.factors.bw) : undefined;
  // A column beside the image only for RT panels (there from the start). The measurements float over the image's
  // right edge once there is one: a column would keep a tenth of the screen from the image, and one appearing with
  // the first measurement would shift the image under the reader's mouse.
  const hasSide = rt.panels !== null && rt.panels !== undefined && rt.panels !== false;
  const imageNumber = (ref: { sopInstanceUid: string; frame?: number }) => {
    const i = entries.findIndex((e) => e.metadata['00080018']?.Value?.[0] === ref.sopInstanceUid && (ref.frame === undefined || e.imageId.endsWith(`/frames/${ref.frame}`)));
    return i < 0 ? undefined : i + 1;
  };
  const jump = (k: KeyImage) => {
    if (viewport.current?.showImage(k)) return;
    if (series && k.seriesInstanceUid) requestJumpToImage({ studyInstanceUid: series.studyInstanceUid, seriesInstanceUid: k.seriesInstanceUid, sopInstanceUid: k.sopInstanceUid, ...(k.frame ? { frame: k.frame } : {}) });
  };
  const marks = reports.store ? (
    <StudyMarksPanel store={reports.store} snapshot={reports.snapshot} keyTitle={keyTitle} onKeyTitle={setKeyTitle} imageNumber={imageNumber} onJump={jump} />
  ) : null;
  const showMarks = measurements.length > 0 || reports.snapshot.keyImages.length > 0 || reports.snapshot.save.kind === 'failed' || reports.snapshot.loadError !== undefined;
  const measurementList = (
    <>
      <MeasurementList measurements={measurements} onDelete={(uid) => viewport.current?.deleteMeasurement(uid)} {...(suvOf ? { suvOf } : {})} />
      {marks}
    </>
  );
  const isKey = currentRef && reports.store ? reports.store.isKey(currentRef) !== undefined : false;
  return (
    <div className="stack-pane">
      <StackToolbar tool={tool} onTool={setTool} cine={cine} onCine={setCine} view={view} onAction={(a) => viewport.current?.run(a)} {...(reports.store ? { isKey } : {})} />
      {suv ? (
        <button type="button" className="suv-open" aria-pressed={suvOpen} onClick={() => setSuvOpen((o) => !o)}>
          {t('stack.suv')}
        </button>
      ) : null}
      <div className={`stack-body${hasSide ? '' : ' no-side'}`}>
        <div
          className="stack-canvas"
          onPointerMove={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            rt.onPointerMove(e.clientX - r.left, e.clientY - r.top);
          }}
        >
          <StackViewport
            ref={viewport}
            entries={entries}
            dataPlaneHeaders={plane.headers}
            tool={tool}
            onToolChange={setTool}
            cine={cine}
            onCineChange={setCine}
            onViewState={onViewState}
            keymap={keymap}
            onMeasurements={onMeasurementsChanged}
            onKeyImage={(ref) => reports.store?.toggleKeyImage(ref, keyTitle)}
            onReady={onReady}
            onError={setError}
            label={label}
            {...(initialWindow ? { initialWindow } : {})}
          />
          <StackOverlay first={first} current={current} view={view} {...(suv ? { suv: suvResult && suvResult.factors.bw === null ? t('suv.overlayNoSuv', { reason: suvText(t, suvResult.reasons.bw ?? 'unknown') }) : overlayLine(suvResult) } : {})} />
          {caption ? <div className="pane-caption">{caption}</div> : null}
          {rt.layers}
          {seg.loaded ? <SegOutlineLayer loaded={seg.loaded} /> : null}
          {from && to ? (
            <svg className="reference-line" data-testid="reference-line" aria-hidden="true">
              <line x1={from[0]} y1={from[1]} x2={to[0]} y2={to[1]} />
            </svg>
          ) : null}
          {!hasSide && showMarks ? <div className="measurements-float">{measurementList}</div> : null}
        </div>
        {hasSide ? (
          <div className="side-column">
            {measurementList}
            {rt.panels}
          </div>
        ) : null}
        {suv && suvOpen ? <SuvPanel suv={suv} {...(suvResult ? { result: suvResult } : {})} onClose={() => setSuvOpen(false)} /> : null}
      </div>
    </div>
  );
}

/** The median distance between neighbouring slices (mm): contours within half of it are on a slice. 1 mm when unknown. */
function medianSpacing(planes: readonly (ImagePlane | undefined)[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < planes.length; i++) {
    const a = planes[i - 1];
    const b = planes[i];
    if (a && b) gaps.push(Math.abs(distanceFromPlane(b.origin, a)));
  }
  const sorted = gaps.filter((g) => g > 1e-3).sort((x, y) => x - y);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 1;
}
