/**
 * The PET/CT reading layout (issue #7): CT and PET fused in three linked planes (CT grey, PET in colour over it),
 * the PET alone in SUV (inverted grey) following the fused axial plane, and a rotating PET MIP. Both PET windows
 * are in SUVbw: the viewports get [lower, upper] ÷ the series' factor, so a saved correction (weight, dose …) moves
 * them at once without touching the voxels. Without SUV the windows are in Bq/ml and a note says why.
 * ROIs (sphere, ellipse) drawn in the fused planes show SUVmax, SUVmean, SUVpeak, volume and the CT's HU there.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import type { SeriesSummary } from '../../../../common/dicom/model';
import type { Vec3, Volume } from '../../../../common/registration/types';
import { FUSION_COLORMAPS, FusionViewports, PetMipViewports, planeProjectionOf, setViewportWindow, viewportWindow, windowPresetById, type FusionSettings } from '../../../imaging';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { SegOutlineLayer, SuvPanel, useLoadedSeg, useSeriesSuv } from '../../suv';
import { measurePetCtRoi, roiOfSaved, savedOfRoi, type PetCtRoi, type PetCtRoiShape, type RoiTool } from '../model/petCtRoi';
import { getString } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { trackingUidOf } from '../../../imaging';
import { useStudyReports } from '../../measurements';
import {
  DEFAULT_FUSION_WINDOW_BQML,
  DEFAULT_FUSION_WINDOW_SUV,
  DEFAULT_PET_WINDOW_BQML,
  DEFAULT_PET_WINDOW_SUV,
  seriesBwFactor,
  storedWindow,
  type SuvWindow,
} from '../model/petCtWindow';
import { ColormapSelect, FractionSlider } from './OverlayControls';
import { PetCtRoiLayer } from './PetCtRoiLayer';
import { PetCtRoiList, type MeasuredRoi } from './PetCtRoiList';
import { useVolumePlan } from './useVolumePlan';
import { useRtOverPlan } from '../../rt';
import { errorText, useTranslation } from '../../../ui/i18n';
import { volumeText } from '../model/volumeWarningText';

export interface PetCtPaneProps {
  plane: DataPlane;
  ct: SeriesSummary;
  pet: SeriesSummary;
  /** The hanging protocol's window/level preset id for the CT ("abdomen" …): the fused CT opens in it. */
  ctPreset?: string;
}

/** The layout's test hook: what a reader sees, as numbers. */
export interface PetCtHook {
  state(): string;
  window(): { unit: string; pet: SuvWindow; fusion: SuvWindow; petStored: SuvWindow; fusionStored: SuvWindow; factor: number | null };
  rois(): MeasuredRoi[];
  mip(): { playing: boolean; angle: number };
  /** A patient point on a fused plane's canvas, CSS px from the page's top-left; undefined off the plane. */
  toPage(plane: string, point: Vec3): [number, number] | undefined;
  focalPoint(plane: string): Vec3 | undefined;
  /** The PET-alone plane's focal point (it scrolls on its own, and follows the fused axial plane when that moves). */
  petFocalPoint(): Vec3 | undefined;
  /** The fused CT's window on a plane (W/L rounded as the overlays show them). */
  ctWindow(plane: string): { windowWidth: number; windowCenter: number } | undefined;
}

declare global {
  interface Window {
    __dokueiPetCt?: PetCtHook;
  }
}

function usePetInstances(plane: DataPlane, pet: SeriesSummary): DicomJsonDataset[] | undefined {
  const [items, setItems] = useState<DicomJsonDataset[]>();
  useEffect(() => {
    const ctl = new AbortController();
    setItems(undefined);
    getDicomJson(plane, dicomwebPath.seriesMetadata(pet.studyInstanceUid, pet.seriesInstanceUid), ctl.signal).then(
      (a) => setItems(a.items),
      // The volume plan reports a series that cannot be read; here only the SUV is missing (no headers: Bq/ml).
      () => !ctl.signal.aborted && setItems([]),
    );
    return () => ctl.abort();
  }, [plane, pet]);
  return items;
}

const baseElement = (plane: string) => document.querySelector<HTMLElement>(`[data-testid="petct"] [data-layer="base"][data-plane="${plane}"]`);
const FUSED_PLANES = ['axial', 'sagittal', 'coronal'] as const;

export function PetCtPane({ plane, ct, pet, ctPreset }: PetCtPaneProps) {
  const { t } = useTranslation();
  const ctPlan = useVolumePlan(plane, ct, 'PET/CT CT');
  const petPlan = useVolumePlan(plane, pet, 'PET/CT PET');
  const instances = usePetInstances(plane, pet);
  const suv = useSeriesSuv(pet, instances);
  // The study's SEGs of this PET (a tumour contour), outlined on the fused planes; the SUV panel tabulates the same masks.
  const seg = useLoadedSeg(pet, instances, true);
  const factorInfo = useMemo(() => seriesBwFactor(suv?.results ?? []), [suv?.results]);
  const factor = factorInfo.factor;
  const unit = factor === null ? 'Bq/ml' : 'SUV';

  const [settings, setSettings] = useState<FusionSettings>({ mode: 'colour', opacity: 0.6, tilePx: 48, swipe: 0.5, colormap: FUSION_COLORMAPS[0].id, threshold: 0.05 });
  const [petWindowSuv, setPetWindowSuv] = useState(DEFAULT_PET_WINDOW_SUV);
  const [fusionWindowSuv, setFusionWindowSuv] = useState(DEFAULT_FUSION_WINDOW_SUV);
  const [petWindowBq, setPetWindowBq] = useState(DEFAULT_PET_WINDOW_BQML);
  const [fusionWindowBq, setFusionWindowBq] = useState(DEFAULT_FUSION_WINDOW_BQML);
  const petWindow = factor === null ? petWindowBq : petWindowSuv;
  const fusionWindow = factor === null ? fusionWindowBq : fusionWindowSuv;
  const petStored = useMemo(() => storedWindow(petWindow, factor), [petWindow, factor]);
  const fusionStored = useMemo(() => storedWindow(fusionWindow, factor), [fusionWindow, factor]);

  const [playing, setPlaying] = useState(true);
  // The MIP's angle changes ten times a second: a ref, not state, so the layout does not re-render with it.
  const angle = useRef(0);
  const [tool, setTool] = useState<RoiTool>();
  const [rois, setRois] = useState<PetCtRoi[]>([]);
  const [nextRoi, setNextRoi] = useState(1);
  const [selected, setSelected] = useState<number>();
  const [axialElement, setAxialElement] = useState<HTMLElement>();
  const [volumes, setVolumes] = useState<{ ct: Volume; pet: Volume }>();
  const [state, setState] = useState<'loading' | 'ready'>('loading');
  const [suvOpen, setSuvOpen] = useState(false);
  const [error, setError] = useState<string>();

  const ctWindow = useRef(windowPresetById(ctPreset));
  ctWindow.current = windowPresetById(ctPreset);

  // The voxels for the statistics once both volumes are fully in (a copy each, made once).
  const onVolumes = useCallback((v: { base: () => Volume; overlay: () => Volume; done: Promise<void> } | undefined) => {
    setVolumes(undefined);
    setState('loading');
    if (!v) return;
    // The planes are built: the CT opens in the protocol's window (cornerstone's default otherwise).
    const w = ctWindow.current;
    if (w) for (const p of FUSED_PLANES) setViewportWindow(baseElement(p), w);
    v.done.then(
      () => {
        setVolumes({ ct: v.base(), pet: v.overlay() });
        setState('ready');
      },
      (err: Error) => setError(errorText(t, err)),
    );
  }, []);

  // The statistics wait for the SUV to be settled too (the PET's headers and saved corrections read): measured
  // before, a restored ROI would be in Bq/ml, or in an SUV without the correction of record, for a moment, and
  // saved so (a new SR version each time the layout opens).
  const suvSettled = instances !== undefined && (instances.length === 0 || (suv?.results.length ?? 0) > 0);
  const measured = useMemo<MeasuredRoi[]>(
    () => rois.map((roi) => ({ ...roi, ...(volumes && suvSettled ? { stats: measurePetCtRoi(roi.shape, volumes.pet, volumes.ct, factor) } : {}) })),
    [rois, volumes, factor, suvSettled],
  );

  // Issue #19: the ROIs (spheres and ellipses) last with the study's measurements — drawn again from the saved SR when the layout
  // opens (once the store and the PET's frame of reference are known), saved a moment after each change.
  const reports = useStudyReports(plane, pet.studyInstanceUid);
  const petFrame = instances ? getString(instances[0] ?? {}, Tag.FrameOfReferenceUID)?.trim() || undefined : undefined;
  const [roisRestored, setRoisRestored] = useState(false);
  useEffect(() => {
    const store = reports.store;
    if (!store || !petFrame || roisRestored) return;
    let live = true;
    void store.loaded.then(() => {
      if (!live) return;
      const saved = store.petCtRoisIn(petFrame).flatMap((m) => {
        const roi = roiOfSaved(m);
        return roi ? [{ ...roi, trackingUid: m.trackingUid }] : [];
      });
      // Negative ids: never those of the ROIs the reader draws (1, 2, …); the list numbers rows by position.
      if (saved.length > 0) setRois((list) => [...saved.map((r, i) => ({ id: -(i + 1), shape: r.shape, plane: r.plane, trackingUid: r.trackingUid })), ...list]);
      setRoisRestored(true);
    });
    return () => {
      live = false;
    };
  }, [reports.store, petFrame, roisRestored]);

  const addRoi = useCallback(
    (shape: PetCtRoiShape, inPlane: string) => {
      setRois((list) => [...list, { id: nextRoi, shape, plane: inPlane, trackingUid: trackingUidOf(crypto.randomUUID()) }]);
      setSelected(nextRoi);
      setNextRoi((n) => n + 1);
    },
    [nextRoi],
  );

  useEffect(() => {
    if (!roisRestored || !petFrame) return;
    reports.store?.setPetCtRois(petFrame, measured.flatMap((r) => savedOfRoi(r, petFrame) ?? []));
  }, [measured, roisRestored, petFrame, reports.store]);

  useEffect(() => {
    window.__dokueiPetCt = {
      state: () => state,
      window: () => ({ unit, pet: petWindow, fusion: fusionWindow, petStored, fusionStored, factor }),
      rois: () => measured,
      mip: () => ({ playing, angle: angle.current }),
      toPage: (p, point) => {
        const el = baseElement(p);
        const proj = planeProjectionOf(el);
        if (!el || !proj) return undefined;
        const [x, y] = proj.worldToCanvas(point);
        const r = el.getBoundingClientRect();
        return x < 0 || y < 0 || x > r.width || y > r.height ? undefined : [r.left + x, r.top + y];
      },
      focalPoint: (p) => {
        return planeProjectionOf(baseElement(p))?.camera()?.focalPoint;
      },
      ctWindow: (p) => viewportWindow(baseElement(p)),
      petFocalPoint: () => planeProjectionOf(document.querySelector<HTMLElement>('[data-testid="petct"] [data-testid="pet-alone"]'))?.camera()?.focalPoint,
    };
    return () => {
      delete window.__dokueiPetCt;
    };
  }, [state, unit, petWindow, fusionWindow, petStored, fusionStored, factor, measured, playing]);

  const plans = useMemo(() => (ctPlan.result?.ok && petPlan.result?.ok ? { ct: ctPlan.result.plan, pet: petPlan.result.plan } : undefined), [ctPlan.result, petPlan.result]);
  // RT structures, dose and plan in the CT's frame of reference over the fused planes (issue #17).
  const rt = useRtOverPlan(plane, ct.studyInstanceUid, plans?.ct);
  // The plans' refusals and load errors are common/volume's English sentences (or useVolumePlan's): worded here.
  const loadError = ctPlan.error ?? petPlan.error;
  const problem =
    error ??
    (loadError !== undefined ? volumeText(t, loadError) : undefined) ??
    (ctPlan.result && !ctPlan.result.ok ? `CT: ${volumeText(t, ctPlan.result.refusal)}` : undefined) ??
    (petPlan.result && !petPlan.result.ok ? `PET: ${volumeText(t, petPlan.result.refusal)}` : undefined);
  if (problem) return <div className="empty" role="alert">{t('petct.unavailable', { problem })}</div>;
  if (!plans) return <div className="empty">{t('petct.preparing')}</div>;

  const set = (patch: Partial<FusionSettings>) => setSettings((s) => ({ ...s, ...patch }));
  const windowInputs = (which: 'fusion' | 'pet', value: SuvWindow, change: (w: SuvWindow) => void) => (
    <label title={t(`petct.window.${which}.title`, { unit })}>
      {which === 'fusion' ? t('petct.fusion') : t('petct.petTag')} {unit}{' '}
      {(['lower', 'upper'] as const).map((k) => (
        <input
          key={k}
          aria-label={t(`petct.window.${which}.${k}`, { unit })}
          type="number"
          step={unit === 'SUV' ? 0.5 : 1000}
          value={value[k]}
          onChange={(e) => Number.isFinite(Number(e.target.value)) && e.target.value !== '' && change({ ...value, [k]: Number(e.target.value) })}
          style={{ width: unit === 'SUV' ? '4.5em' : '6em' }}
        />
      ))}
    </label>
  );

  return (
    <div
      className="mpr petct"
      data-testid="petct"
      data-state={state}
      // Focusable (not in the tab order): a press on a plane focuses the layout, so Escape after drawing a ROI ends
      // the tool and Space pauses the MIP (the planes' layers take no focus of their own).
      tabIndex={-1}
      onKeyDown={(e) => {
        // Space: play/pause the MIP (not while typing in a field).
        if (e.key === ' ' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement)) {
          setPlaying((p) => !p);
          e.preventDefault();
        } else if (e.key === 'Escape') setTool(undefined);
      }}
    >
      <div className="mpr-toolbar" role="toolbar" aria-label={t('viewer.layout.petCt')}>
        <span>{t('petct.series', { ct: ct.seriesDescription || (ct.seriesNumber ?? ''), pet: pet.seriesDescription || (pet.seriesNumber ?? '') })}</span>
        <ColormapSelect label={t('petct.colormapLabel')} value={settings.colormap} onChange={(colormap) => set({ colormap })} />
        <FractionSlider text={t('petct.opacity')} label={t('petct.opacityLabel')} value={settings.opacity} onChange={(opacity) => set({ opacity })} />
        <FractionSlider text={t('petct.threshold')} label={t('petct.thresholdLabel')} value={settings.threshold} maxPercent={90} onChange={(threshold) => set({ threshold })} />
        {windowInputs('fusion', fusionWindow, factor === null ? setFusionWindowBq : setFusionWindowSuv)}
        {windowInputs('pet', petWindow, factor === null ? setPetWindowBq : setPetWindowSuv)}
        {factor === null ? (
          <span role="note" data-testid="petct-suv-note" style={{ color: '#ffb74d' }}>
            {t('petct.noSuv', { reason: factorInfo.reason })}
          </span>
        ) : factorInfo.varies ? (
          <span role="note" data-testid="petct-suv-note" style={{ color: '#ffb74d' }} title={t('petct.factorVariesTitle')}>
            {t('petct.factorVaries')}
          </span>
        ) : null}
        <span className="layout-sep" />
        <button type="button" aria-pressed={tool === 'sphere'} title={t('petct.sphereTitle')} onClick={() => setTool((was) => (was === 'sphere' ? undefined : 'sphere'))}>
          {t('petct.sphere')}
        </button>
        <button type="button" aria-pressed={tool === 'ellipse'} title={t('petct.ellipseTitle')} onClick={() => setTool((was) => (was === 'ellipse' ? undefined : 'ellipse'))}>
          {t('petct.ellipse')}
        </button>
        <button type="button" aria-pressed={playing} title={t('petct.mipTitle')} onClick={() => setPlaying((p) => !p)}>
          {playing ? t('petct.pauseMip') : t('petct.playMip')}
        </button>
        {suv ? (
          <button type="button" aria-pressed={suvOpen} onClick={() => setSuvOpen((o) => !o)} title={t('petct.suvTitle')}>
            {t('petct.suv')}
          </button>
        ) : null}
      </div>
      <div style={{ flex: 1, display: 'grid', gridTemplateColumns: '3fr 1fr', gap: 2, minHeight: 0, background: '#223' }}>
        <div style={{ display: 'flex', minHeight: 0, minWidth: 0 }}>
          <FusionViewports
            base={plans.ct}
            overlay={plans.pet}
            settings={settings}
            overlayVoi={fusionStored}
            dataPlaneHeaders={plane.headers}
            label="PET/CT fused"
            onError={setError}
            onVolumes={onVolumes}
            cellOverlay={(p) => (
              <>
                <PetCtRoiLayer plane={p} tool={tool} rois={rois} selected={selected} onCreate={addRoi} onElement={(name, el) => name === 'axial' && setAxialElement(el)} />
                {seg.loaded ? <SegOutlineLayer loaded={seg.loaded} /> : null}
                {rt.layer?.()}
              </>
            )}
          />
        </div>
        <PetMipViewports plan={plans.pet} dataPlaneHeaders={plane.headers} voi={petStored} playing={playing} follow={axialElement} onError={setError} onAngle={(a) => (angle.current = a)} />
      </div>
      <PetCtRoiList rois={measured} selected={selected} onSelect={setSelected} onDelete={(id) => setRois((list) => list.filter((r) => r.id !== id))} />
      {suv && suvOpen ? (
        // Over the PET column, so opening it does not shrink the planes.
        <div style={{ position: 'absolute', right: 0, top: 0, bottom: 0, width: 'min(440px, 45%)', overflow: 'auto', zIndex: 5, background: '#0c1218', boxShadow: '0 0 8px #000' }}>
          <SuvPanel suv={suv} onClose={() => setSuvOpen(false)} />
        </div>
      ) : null}
    </div>
  );
}
