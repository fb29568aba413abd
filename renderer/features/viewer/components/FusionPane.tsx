/**
 * Fusion of two series (base = first cell, overlay = second cell): planes linked, mixing mode, per-layer W/L
 * (right-drag on the base; the overlay keeps its own window), and automatic rigid registration of the overlay
 * onto the base in a worker, with progress and cancel. The transform is shown and can be reset.
 * A Spatial Registration found in the studies is applied when the fusion opens (with a note); manual adjustment
 * works with mouse and keys on any plane (renderer/imaging/react/fusionAdjust.ts) as well as by numbers; every
 * change is one undo step. "Save registration" stores the transform as a Spatial Registration object in the local
 * archive, and optionally sends it to a DICOMweb PACS node.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { affineToMatrix4, composeAffine, matrix4ToAffine, rigidAffine, rotationFromEuler } from '../../../../common/registration';
import { FUSION_COLORMAPS, FusionViewports, registerInWorker, type FusionSettings, type RegistrationRun, type RegistrationVolume } from '../../../imaging';
import { rotateTransformAbout, translateTransform } from '../../../../common/registration/manualAdjust';
import { findStudyRegistration } from './foundRegistration';
import { ColormapSelect, FractionSlider } from './OverlayControls';
import { pacsApi, useSendTargets } from '../../pacs/useSendTargets';
import { useVolumePlan } from './useVolumePlan';
import { usePlaneLayers } from './usePlaneLayers';
import type { DataPlane } from '../../../platform/platform';
import { errorText, useTranslation } from '../../../ui/i18n';
import { volumeText } from '../model/volumeWarningText';

export interface FusionPaneProps {
  plane: DataPlane;
  base: SeriesSummary;
  overlay: SeriesSummary;
}

type Matrix = number[][];
/** A status line, put in words when it is shown (so a language switch rewords it in place). */
type Say = (t: TFunction) => string;
/** One mouse or key gesture of manual adjustment, as FusionViewports reports it. */
type AdjustGesture = Parameters<NonNullable<React.ComponentProps<typeof FusionViewports>['onAdjust']>>[0];

declare global {
  interface Window {
    __dokueiFusion?: { transform(): Matrix | undefined; state(): string; lastGesture(): AdjustGesture | undefined; note(): string };
  }
}

function describeTransform(m: Matrix, t: TFunction): string {
  const shift = [m[0]![3]!, m[1]![3]!, m[2]![3]!];
  const trace = m[0]![0]! + m[1]![1]! + m[2]![2]!;
  const angle = (Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2))) * 180) / Math.PI;
  return t('fusion.transform', { shift: shift.map((v) => v.toFixed(1)).join(', '), angle: angle.toFixed(1) });
}

export function FusionPane({ plane, base, overlay }: FusionPaneProps) {
  const { t } = useTranslation();
  const basePlan = useVolumePlan(plane, base, 'Fusion base');
  const overPlan = useVolumePlan(plane, overlay, 'Fusion overlay');
  const [settings, setSettings] = useState<FusionSettings>({ mode: 'blend', opacity: 0.5, tilePx: 48, swipe: 0.5, colormap: FUSION_COLORMAPS[0].id, threshold: 0.1 });
  const [transform, setTransform] = useState<Matrix>();
  const [volumes, setVolumes] = useState<{ base: () => RegistrationVolume; overlay: () => RegistrationVolume; baseCentre: [number, number, number]; done: Promise<void> }>();
  const [history, setHistory] = useState<(Matrix | undefined)[]>([]);
  const [adjust, setAdjust] = useState({ tx: 0, ty: 0, tz: 0, rx: 0, ry: 0, rz: 0 });
  /** Every change of the transform can be undone, one step at a time. */
  const changeTransform = (next: Matrix | undefined) => {
    setHistory((h) => [...h, transform]);
    setTransform(next);
  };
  const applyAdjustment = () => {
    if (!volumes) return;
    const rad = Math.PI / 180;
    const manual = rigidAffine(rotationFromEuler(adjust.rx * rad, adjust.ry * rad, adjust.rz * rad), volumes.baseCentre, [adjust.tx, adjust.ty, adjust.tz]);
    const current = transform ? matrix4ToAffine(transform as never) : rigidAffine([1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], [0, 0, 0]);
    changeTransform(affineToMatrix4(composeAffine(manual, current)).map((row) => [...row]));
  };
  // `warnings`: the result's own sentences (headers' orientation wrong, low confidence), shown until the next run.
  const [registration, setRegistration] = useState<{ state: 'idle' | 'running' | 'done' | 'failed'; message?: Say; warnings?: string[] }>({ state: 'idle' });
  // A saved registration between these series, looked for once before the fusion starts (so it builds once).
  // `readError`: the saved registrations could not be read (the note says so).
  const [found, setFound] = useState<{ searched: boolean; note: string; matrix?: Matrix; readError?: string }>({ searched: false, note: '' });
  useEffect(() => {
    const ctl = new AbortController();
    setFound({ searched: false, note: '' });
    findStudyRegistration(plane, base, overlay, ctl.signal).then(
      (hit) => {
        if (ctl.signal.aborted) return;
        const matrix = hit?.overlayToBase.map((row) => [...row]);
        if (matrix) {
          setHistory([undefined]);
          setTransform(matrix);
        }
        setFound({ searched: true, note: hit?.note ?? '', ...(matrix ? { matrix } : {}) });
      },
      (err: Error) => !ctl.signal.aborted && setFound({ searched: true, note: '', readError: errorText(t, err) }),
    );
    return () => ctl.abort();
  }, [plane, base, overlay]);
  const lastGesture = useRef<AdjustGesture | undefined>(undefined);
  /** One mouse or key gesture on a plane: one change of the transform (one undo step). */
  // The transform as of the last gesture: key presses faster than renders each build on the one before.
  const latest = useRef(transform);
  latest.current = transform;
  const onAdjust = (g: AdjustGesture) => {
    lastGesture.current = g;
    const current = latest.current;
    const next = (g.kind === 'translate' ? translateTransform(current, g.delta) : rotateTransformAbout(current, g.axis, g.angle, g.centre)).map((row) => [...row]);
    latest.current = next;
    setHistory((h) => [...h, current]);
    setTransform(next);
  };
  const sendTargets = useSendTargets();
  const [sendTo, setSendTo] = useState('');
  const [saveState, setSaveState] = useState<{ busy: boolean; message?: Say }>({ busy: false });
  const saveRegistration = async () => {
    const matrix = transform ?? [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    setSaveState({ busy: true, message: (tr) => tr('fusion.saving') });
    try {
      const api = await pacsApi();
      const saved = await api.registration.save({
        fixed: { studyInstanceUid: base.studyInstanceUid, seriesInstanceUid: base.seriesInstanceUid },
        moving: { studyInstanceUid: overlay.studyInstanceUid, seriesInstanceUid: overlay.seriesInstanceUid },
        matrix,
        ...(sendTo ? { sendTo } : {}),
      });
      const send = saved.send;
      setSaveState({
        busy: false,
        message: (tr) => (send ? tr(send.ok ? 'fusion.savedSent' : 'fusion.savedNotSent', { message: send.message }) : tr('fusion.savedLocal')),
      });
    } catch (err) {
      setSaveState({ busy: false, message: (tr) => tr('fusion.notSaved', { message: errorText(tr, err) }) });
    }
  };
  const [error, setError] = useState<string>();
  const [warningsDismissed, setWarningsDismissed] = useState(false);
  const run = useRef<RegistrationRun | undefined>(undefined);

  const note = found.readError !== undefined ? t('fusion.savedUnreadable', { message: found.readError }) : found.note;
  useEffect(() => {
    window.__dokueiFusion = { transform: () => transform, state: () => registration.state, lastGesture: () => lastGesture.current, note: () => note };
    return () => {
      delete window.__dokueiFusion;
    };
  }, [transform, registration.state, note]);
  useEffect(() => () => run.current?.cancel(), []);

  const register = async () => {
    if (!volumes) return;
    // Register right after the fusion opens: the voxels are still streaming in; register once both are whole.
    setRegistration({ state: 'running', message: (tr) => tr('fusion.waiting') });
    setWarningsDismissed(false);
    try {
      await volumes.done;
    } catch (err) {
      setRegistration({ state: 'failed', message: (tr) => tr('fusion.loadFailed', { message: volumeText(tr, errorText(tr, err)) }) });
      return;
    }
    setRegistration({ state: 'running', message: (tr) => tr('fusion.registering') });
    try {
      // From the current transform when there is one (fine-tuning a manual or earlier result).
      const start = transform ? { initialTransform: transform as never } : { initialize: 'auto' as const };
      const r = registerInWorker(volumes.base(), volumes.overlay(), start, (p) =>
        setRegistration({ state: 'running', message: (tr) => tr('fusion.progress', { level: p.level + 1, levels: p.levels, iteration: p.totalIterations }) }),
      );
      run.current = r;
      r.result.then(
        (res) => {
          run.current = undefined;
          changeTransform(res.matrix.map((row) => [...row]));
          setRegistration({
            state: 'done',
            message: (tr) => tr('fusion.registered', { seconds: (res.timeMs / 1000).toFixed(1), iterations: res.iterations, mi: (-res.metric).toFixed(3) }),
            warnings: res.warnings,
          });
        },
        (err: Error) => {
          run.current = undefined;
          setRegistration({ state: 'failed', message: (tr) => volumeText(tr, errorText(tr, err)) });
        },
      );
    } catch (err) {
      setRegistration({ state: 'failed', message: (tr) => volumeText(tr, errorText(tr, err)) });
    }
  };

  const plans = useMemo(() => (basePlan.result?.ok && overPlan.result?.ok ? { base: basePlan.result.plan, overlay: overPlan.result.plan } : undefined), [basePlan.result, overPlan.result]);
  // RT structures, dose and plan of the base's frame of reference, and the base's SEGs, over the fused planes (#17).
  const { rt, overlay: cellOverlay } = usePlaneLayers(plane, base, plans?.base, basePlan.entries);
  // The plans' refusals and load errors are common/volume's English sentences (or useVolumePlan's): worded here.
  const loadError = basePlan.error ?? overPlan.error;
  const problem =
    error ??
    (loadError !== undefined ? volumeText(t, loadError) : undefined) ??
    (basePlan.result && !basePlan.result.ok ? t('fusion.baseRefused', { refusal: volumeText(t, basePlan.result.refusal) }) : undefined) ??
    (overPlan.result && !overPlan.result.ok ? t('fusion.overlayRefused', { refusal: volumeText(t, overPlan.result.refusal) }) : undefined);
  if (problem) return <div className="empty" role="alert">{t('fusion.unavailable', { problem })}</div>;
  if (!plans || !found.searched) return <div className="empty">{t('fusion.preparing')}</div>;

  const set = (patch: Partial<FusionSettings>) => setSettings((s) => ({ ...s, ...patch }));
  const message = registration.message?.(t) ?? '';
  const appliedNote = found.matrix && transform === found.matrix && !message ? found.note : '';
  return (
    <div className="mpr fusion-pane">
      <div className="mpr-toolbar" role="toolbar" aria-label={t('fusion.toolbar')}>
        <span title={t('fusion.seriesTitle', { base: base.seriesDescription, overlay: overlay.seriesDescription })}>
          {base.modality} {base.seriesDescription || base.seriesNumber} + {overlay.modality} {overlay.seriesDescription || overlay.seriesNumber}
        </span>
        <label>
          {t('fusion.mode')}{' '}
          <select aria-label={t('fusion.modeLabel')} value={settings.mode} onChange={(e) => set({ mode: e.target.value as FusionSettings['mode'] })}>
            <option value="blend">{t('fusion.modes.blend')}</option>
            <option value="colour">{t('fusion.modes.colour')}</option>
            <option value="checkerboard">{t('fusion.modes.checkerboard')}</option>
            <option value="swipe">{t('fusion.modes.swipe')}</option>
          </select>
        </label>
        {settings.mode === 'blend' || settings.mode === 'colour' ? (
          <FractionSlider text={t('fusion.opacity')} label={t('fusion.opacityLabel')} value={settings.opacity} onChange={(opacity) => set({ opacity })} />
        ) : null}
        {settings.mode === 'colour' ? (
          <>
            <ColormapSelect label={t('fusion.colormapLabel')} value={settings.colormap} onChange={(colormap) => set({ colormap })} />
            <FractionSlider text={t('fusion.threshold')} label={t('fusion.thresholdLabel')} value={settings.threshold} maxPercent={90} onChange={(threshold) => set({ threshold })} />
          </>
        ) : null}
        {settings.mode === 'checkerboard' ? (
          <label>
            {t('fusion.tile')} <input aria-label={t('fusion.tileLabel')} type="number" min={8} max={256} value={settings.tilePx} onChange={(e) => set({ tilePx: Number(e.target.value) || 48 })} />{' px'}
          </label>
        ) : null}
        {settings.mode === 'swipe' ? (
          <FractionSlider text={t('fusion.modes.swipe')} label={t('fusion.swipeLabel')} value={settings.swipe} onChange={(swipe) => set({ swipe })} />
        ) : null}
        <button type="button" onClick={() => void register()} disabled={!volumes || registration.state === 'running'}>
          {t('fusion.register')}
        </button>
        {registration.state === 'running' ? (
          <button type="button" onClick={() => run.current?.cancel()}>
            {t('fusion.cancel')}
          </button>
        ) : null}
        <details className="crop">
          <summary>{t('fusion.adjust')}</summary>
          {(['tx', 'ty', 'tz'] as const).map((k) => (
            <label key={k} className="crop-row">
              {k[1]}{' mm '}<input aria-label={t('fusion.shiftLabel', { axis: k[1] })} type="number" step={0.5} value={adjust[k]} onChange={(e) => setAdjust((a) => ({ ...a, [k]: Number(e.target.value) || 0 }))} />
            </label>
          ))}
          {(['rx', 'ry', 'rz'] as const).map((k) => (
            <label key={k} className="crop-row">
              {k[1]} ° <input aria-label={t('fusion.rotateLabel', { axis: k[1] })} type="number" step={0.5} value={adjust[k]} onChange={(e) => setAdjust((a) => ({ ...a, [k]: Number(e.target.value) || 0 }))} />
            </label>
          ))}
          <button type="button" onClick={applyAdjustment} disabled={!volumes}>
            {t('fusion.apply')}
          </button>
        </details>
        <button type="button" onClick={() => history.length && (setTransform(history.at(-1)), setHistory((h) => h.slice(0, -1)))} disabled={history.length === 0}>
          {t('fusion.undo')}
        </button>
        <button type="button" onClick={() => changeTransform(undefined)} disabled={!transform}>
          {t('fusion.reset')}
        </button>
        <button type="button" onClick={() => void saveRegistration()} disabled={saveState.busy} title={t('fusion.saveTitle')}>
          {t('fusion.save')}
        </button>
        {sendTargets.length > 0 ? (
          <select aria-label={t('fusion.sendToLabel')} value={sendTo} onChange={(e) => setSendTo(e.target.value)}>
            <option value="">{t('fusion.localOnly')}</option>
            {sendTargets.map((n) => (
              <option key={n.id} value={n.id}>
                {t('fusion.sendTo', { name: n.name })}
              </option>
            ))}
          </select>
        ) : null}
        {/* Notes on a line of their own, always there: text coming and going never changes the planes' size, which would
            rescale the picture under a reader fine-tuning a registration. */}
        <div style={{ flexBasis: '100%', display: 'flex', gap: 10, minHeight: '1.4em', alignItems: 'center' }}>
          {saveState.message ? (
            <span data-testid="registration-save-status" role="status">
              {saveState.message(t)}
            </span>
          ) : null}
          <span data-testid="registration-status" aria-live="polite" title={t('fusion.statusTitle')}>
            {/* The note stays while the transform is still the one found (not after an adjustment, undo or reset). */}
            {appliedNote}
            {message}
            {transform ? `${message || appliedNote ? ' — ' : ''}${describeTransform(transform, t)}` : ''}
          </span>
        </div>
      </div>
      {registration.state === 'done' && registration.warnings?.length && !warningsDismissed ? (
        // Over the planes, not in the notes line: the sentences are long, and the planes must not resize under a
        // reader fine-tuning the registration (see the notes line above).
        <div className="fusion-warnings" role="alert">
          {registration.warnings.map((w) => (
            <div key={w} data-testid="registration-warning" title={volumeText(t, w)}>
              ⚠ {volumeText(t, w)}
            </div>
          ))}
          <button type="button" aria-label={t('fusion.dismissWarnings')} onClick={() => setWarningsDismissed(true)}>
            ×
          </button>
        </div>
      ) : null}
      {rt.panel}
      <FusionViewports base={plans.base} overlay={plans.overlay} transform={transform} settings={settings} dataPlaneHeaders={plane.headers} label="Fusion" onError={setError} onVolumes={setVolumes} onAdjust={onAdjust} {...(cellOverlay ? { cellOverlay } : {})} />
    </div>
  );
}
