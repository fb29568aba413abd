/**
 * Opens one series as a volume in MPR 1+3: loads its metadata, asks the geometry and memory plans,
 * and either shows the planes (with any notices) or says why this series stays a stack.
 * Curved MPR (issue #19): a path drawn on the planes and its CPR in a panel beside them.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { chooseHalfFloatTextures, halfFloatChosen, MprViewports, VR_PRESETS, windowPresetById } from '../../../imaging';
import { useVolumePlan } from './useVolumePlan';
import { ViewerPane } from './ViewerPane';
import type { DataPlane } from '../../../platform/platform';
import { usePlaneLayers } from './usePlaneLayers';
import { PhasesPane, phaseText, useStudyPhases } from '../../phases';
import { splitPhases } from '../../../../common/volume/respiratoryPhases';
import { useTranslation } from '../../../ui/i18n';
import { volumeText } from '../model/volumeWarningText';
import { getString } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { CprPanel, CprPathLayer, FALLBACK_WINDOW, useCurvedMpr, type CprVolumeSource, type CurvedPathData } from '../../cpr';
import { useShortcutMap } from '../../settings';
import { useStudyReports } from '../../measurements';

type MprViewportsProps = Parameters<typeof MprViewports>[0];
type MprState = Parameters<NonNullable<MprViewportsProps['onState']>>[0];

export interface MprPaneProps {
  plane: DataPlane;
  series: SeriesSummary;
  label?: string;
  /** The hanging protocol's window/level preset id ("abdomen" …): the three planes open in it. */
  preset?: string;
  /** The hanging protocol's volume rendering preset ("CT-Bone" …) for the 3D view; the modality's default otherwise. */
  vrPreset?: string;
  /** Curved MPR: the reader finished a path (to save with the measurements), or dropped it (undefined). */
  onPathChange?: (path: CurvedPathData | undefined) => void;
}

export function MprPane({ plane, series, label = 'MPR', preset, vrPreset, onPathChange }: MprPaneProps) {
  const { t } = useTranslation();
  const [halfFloat, setHalfFloat] = useState(halfFloatChosen);
  // The plan depends on the texture choice: a new plan rebuilds the volume with it.
  const { result, entries, modality, error: loadError } = useVolumePlan(plane, series, label, halfFloat);
  const [viewError, setError] = useState<string>();
  const [rtSide, setRtSide] = useState(true);
  // A viewer error belongs to the series it happened on.
  useEffect(() => setError(undefined), [series]);
  const error = loadError ?? viewError;

  const plan = useMemo(() => (result?.ok ? result.plan : undefined), [result]);
  // A series refused as "several images at each position" may be a 4DCT: its respiratory phases, each a volume.
  const phases = useMemo(() => {
    if (!result || result.ok || !entries) return undefined;
    const datasets = [...new Set(entries.map((e) => e.metadata))];
    const split = splitPhases(datasets.map((dataset) => ({ seriesUid: series.seriesInstanceUid, seriesDescription: series.seriesDescription, dataset })));
    return split.kind === 'phases' ? split : undefined;
  }, [result, entries, series]);
  // RT structures and dose of the study, and the series' SEGs, over the three planes (issue #17).
  const { rt, overlay: planeOverlay } = usePlaneLayers(plane, series, plan, entries, true);
  // A phase of a 4DCT exported one series per phase: the study's other phases, on request.
  const studyPhases = useStudyPhases(plane, series);
  // Curved MPR: the volume's voxels (handed over by the views), their window and slab, the path and its CPR.
  const [volumeSource, setVolumeSource] = useState<CprVolumeSource>();
  const [mprState, setMprState] = useState<MprState>();
  const frameOfReferenceUid = useMemo(() => {
    const first = entries?.[0]?.metadata;
    return first ? getString(first, Tag.FrameOfReferenceUID) : undefined;
  }, [entries]);
  // The finished path is saved with the study's measurements (issue #19), and handed on to whoever else asked.
  const reports = useStudyReports(plane, series.studyInstanceUid);
  const savePath = (path: CurvedPathData | undefined) => {
    const frame = path?.frameOfReferenceUid ?? frameOfReferenceUid;
    if (frame) reports.store?.setPath(frame, path);
    onPathChange?.(path);
  };
  const cpr = useCurvedMpr({ enabled: plan !== undefined && !error, source: volumeSource, frameOfReferenceUid, onPathChange: savePath });
  const shortcuts = useShortcutMap();
  // A path belongs to the series it was drawn on: another series starts without one (the path stays saved).
  const resetCpr = cpr.reset;
  useEffect(() => resetCpr(), [series, resetCpr]);
  // The study's saved path in this volume's frame of reference comes back: Curved MPR opens on it. (Read in render:
  // the store's every change re-renders through its snapshot; the points keep their identity until the path changes.)
  const savedPath = frameOfReferenceUid ? reports.store?.pathOf(frameOfReferenceUid)?.points : undefined;
  const restoreCpr = cpr.restore;
  useEffect(() => {
    if (savedPath && savedPath.length >= 2) restoreCpr(savedPath.map((p) => [p[0]!, p[1]!, p[2] ?? 0]));
  }, [savedPath, restoreCpr]);
  if (studyPhases.state === 'ready' && studyPhases.phases && studyPhases.entries) {
    return <PhasesPane phases={studyPhases.phases} entries={studyPhases.entries} splitWarnings={studyPhases.warnings ?? []} onClose={studyPhases.close} />;
  }
  if (error) return <div className="empty" role="alert">{t('mpr.openFailed', { error: volumeText(t, error) })}</div>;
  if (!result) return <div className="empty">{t('mpr.preparing')}</div>;
  if (!result.ok && phases && entries) return <PhasesPane phases={phases.phases} entries={entries} splitWarnings={phases.warnings} />;
  if (!result.ok) {
    // Say why, and still show the images: the reader keeps reading the series as a stack.
    return (
      <div className="refused-volume">
        <div className="volume-notices" role="alert" data-testid="volume-refusal">
          {t('mpr.refused', { refusal: volumeText(t, result.refusal) })}
        </div>
        <div className="cell refused-stack">
          <ViewerPane plane={plane} series={series} label="Main viewport" />
        </div>
      </div>
    );
  }
  const views = (
    <>
      <label className="texture-choice" title={t('mpr.halfFloatTitle')}>
        <input
          type="checkbox"
          checked={halfFloat}
          onChange={(e) => {
            chooseHalfFloatTextures(e.target.checked);
            setHalfFloat(e.target.checked);
          }}
        />{' '}
        {t('mpr.halfFloat')}
      </label>
      {studyPhases.candidates.length >= 2 ? (
        <div className="volume-notices study-phases" role="status" data-testid="study-phases">
          {t('mpr.studyPhases', { n: studyPhases.candidates.length })}{' '}
          <button type="button" onClick={studyPhases.open} disabled={studyPhases.state === 'loading'}>
            {studyPhases.state === 'loading' ? t('mpr.gatheringPhases') : t('mpr.openPhases', { n: studyPhases.candidates.length })}
          </button>
          {studyPhases.error ? <span role="alert">{` ${t('mpr.phasesFailed', { error: phaseText(t, studyPhases.error) })}`}</span> : null}
        </div>
      ) : null}
      <MprViewports
        key={plan!.key}
        plan={plan!}
        noticeText={(n) => volumeText(t, n)}
        dataPlaneHeaders={plane.headers}
        label={label}
        vrPreset={vrPreset && VR_PRESETS.some((p) => p.id === vrPreset) ? vrPreset : modality === 'MR' ? 'MR-Default' : 'CT-Bone'}
        initialWindow={windowPresetById(preset)}
        onError={setError}
        onState={setMprState}
        onVolume={setVolumeSource}
        toolbarExtra={
          <button
            type="button"
            className="cpr-path-toggle"
            aria-pressed={cpr.mode !== 'off'}
            title={t('cpr.toggleTitle', { key: (shortcuts.toolCrosshairs ?? []).join(', ') })}
            onClick={cpr.toggle}
          >
            {t('cpr.toggle')}
            {cpr.mode === 'off' && cpr.points.length >= 2 ? <span data-testid="cpr-saved-path">{` · ${t('cpr.savedPath')}`}</span> : null}
          </button>
        }
        {...(planeOverlay || cpr.mode !== 'off'
          ? {
              planeOverlay: (p: 'axial' | 'sagittal' | 'coronal'): ReactNode => (
                <>
                  {planeOverlay?.()}
                  {cpr.mode !== 'off' ? (
                    <CprPathLayer
                      plane={p}
                      points={cpr.points}
                      drawing={cpr.mode === 'drawing'}
                      slabThicknessMm={mprState && mprState.slab.mode !== 'none' ? mprState.slab.thicknessMm : undefined}
                      cursorPoint={cpr.cursorPoint}
                      onAdd={cpr.addPoint}
                      onFinish={cpr.finish}
                    />
                  ) : null}
                </>
              ),
            }
          : {})}
        {...(rt.centreOn ? { centreOn: rt.centreOn } : {})}
      />
    </>
  );
  const cprWindow = mprState && mprState.windowWidth > 0 ? { center: mprState.windowCenter, width: mprState.windowWidth } : FALLBACK_WINDOW;
  // One tree whatever panels are beside the planes: React rebuilds a component that moves to another parent, and
  // the views rebuilt are the volume uploaded and the shaders compiled again (seconds in software WebGL), the
  // crosshairs and slab lost. So the CPR panel and the RT study's panels (which arrive after the planes: structure
  // set, dose and plan are read in the background) come and go as siblings; the wrappers fill the cell without them.
  return (
    <div className="mpr-rt-split">
      <div className="mpr-rt-main">
        <div className="mpr-cpr-split">
          <div className="mpr-cpr-main">{views}</div>
          {cpr.mode === 'off' ? null : <CprPanel cpr={cpr} window={cprWindow} />}
        </div>
      </div>
      {!rt.panels ? null : rtSide ? (
        // An RT study: the structure list, dose and plan and DVH panels beside the planes (the RT review layout).
        <aside className="rt-volume-side" aria-label={t('mpr.rtSide')}>
          <button type="button" className="rt-side-toggle" onClick={() => setRtSide(false)} title={t('mpr.hideRtTitle')}>
            {t('mpr.hideRt')}
          </button>
          {rt.panels}
        </aside>
      ) : (
        <button type="button" className="rt-side-show" onClick={() => setRtSide(true)}>
          {t('mpr.showRt')}
        </button>
      )}
    </div>
  );
}
