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

export interface FusionPaneProps {
  plane: DataPlane;
  base: SeriesSummary;
  overlay: SeriesSummary;
}

type Matrix = number[][];
/** One mouse or key gesture of manual adjustment, as FusionViewports reports it. */
type AdjustGesture = Parameters<NonNullable<React.ComponentProps<typeof FusionViewports>['onAdjust']>>[0];

declare global {
  interface Window {
    __dokueiFusion?: { transform(): Matrix | undefined; state(): string; lastGesture(): AdjustGesture | undefined; note(): string };
  }
}

function describeTransform(m: Matrix): string {
  const t = [m[0]![3]!, m[1]![3]!, m[2]![3]!];
  const trace = m[0]![0]! + m[1]![1]! + m[2]![2]!;
  const angle = (Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2))) * 180) / Math.PI;
  return `shift ${t.map((v) => v.toFixed(1)).join(', ')} mm · rotation ${angle.toFixed(1)}°`;
}

export function FusionPane({ plane, base, overlay }: FusionPaneProps) {
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
  const [registration, setRegistration] = useState<{ state: 'idle' | 'running' | 'done' | 'failed'; message: string; warnings?: string[] }>({ state: 'idle', message: '' });
  // A saved registration between these series, looked for once before the fusion starts (so it builds once).
  const [found, setFound] = useState<{ searched: boolean; note: string; matrix?: Matrix }>({ searched: false, note: '' });
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
      (err: Error) => !ctl.signal.aborted && setFound({ searched: true, note: `Saved registrations could not be read: ${err.message}` }),
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
  const [saveState, setSaveState] = useState<{ busy: boolean; message: string }>({ busy: false, message: '' });
  const saveRegistration = async () => {
    const matrix = transform ?? [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    setSaveState({ busy: true, message: 'Saving…' });
    try {
      const api = await pacsApi();
      const saved = await api.registration.save({
        fixed: { studyInstanceUid: base.studyInstanceUid, seriesInstanceUid: base.seriesInstanceUid },
        moving: { studyInstanceUid: overlay.studyInstanceUid, seriesInstanceUid: overlay.seriesInstanceUid },
        matrix,
        ...(sendTo ? { sendTo } : {}),
      });
      setSaveState({ busy: false, message: `Registration saved to the local archive.${saved.send ? ` ${saved.send.ok ? saved.send.message : `Not sent: ${saved.send.message}`}` : ''}` });
    } catch (err) {
      setSaveState({ busy: false, message: `Not saved: ${(err as Error).message}` });
    }
  };
  const [error, setError] = useState<string>();
  const [warningsDismissed, setWarningsDismissed] = useState(false);
  const run = useRef<RegistrationRun | undefined>(undefined);

  useEffect(() => {
    window.__dokueiFusion = { transform: () => transform, state: () => registration.state, lastGesture: () => lastGesture.current, note: () => found.note };
    return () => {
      delete window.__dokueiFusion;
    };
  }, [transform, registration.state, found.note]);
  useEffect(() => () => run.current?.cancel(), []);

  const register = async () => {
    if (!volumes) return;
    // Register right after the fusion opens: the voxels are still streaming in; register once both are whole.
    setRegistration({ state: 'running', message: 'Registering: waiting for both series to load…' });
    setWarningsDismissed(false);
    try {
      await volumes.done;
    } catch (err) {
      setRegistration({ state: 'failed', message: `A series could not be loaded: ${(err as Error).message}` });
      return;
    }
    setRegistration({ state: 'running', message: 'Registering…' });
    try {
      // From the current transform when there is one (fine-tuning a manual or earlier result).
      const start = transform ? { initialTransform: transform as never } : { initialize: 'auto' as const };
      const r = registerInWorker(volumes.base(), volumes.overlay(), start, (p) =>
        setRegistration({ state: 'running', message: `Registering: level ${p.level + 1}/${p.levels}, iteration ${p.totalIterations}` }),
      );
      run.current = r;
      r.result.then(
        (res) => {
          run.current = undefined;
          changeTransform(res.matrix.map((row) => [...row]));
          setRegistration({ state: 'done', message: `Registered in ${(res.timeMs / 1000).toFixed(1)} s (${res.iterations} iterations, MI ${(-res.metric).toFixed(3)})`, warnings: res.warnings });
        },
        (err: Error) => {
          run.current = undefined;
          setRegistration({ state: 'failed', message: err.message });
        },
      );
    } catch (err) {
      setRegistration({ state: 'failed', message: (err as Error).message });
    }
  };

  const plans = useMemo(() => (basePlan.result?.ok && overPlan.result?.ok ? { base: basePlan.result.plan, overlay: overPlan.result.plan } : undefined), [basePlan.result, overPlan.result]);
  // RT structures, dose and plan of the base's frame of reference, and the base's SEGs, over the fused planes (#17).
  const { rt, overlay: cellOverlay } = usePlaneLayers(plane, base, plans?.base, basePlan.entries);
  const problem = error ?? basePlan.error ?? overPlan.error ?? (basePlan.result && !basePlan.result.ok ? `Base: ${basePlan.result.refusal}` : undefined) ?? (overPlan.result && !overPlan.result.ok ? `Overlay: ${overPlan.result.refusal}` : undefined);
  if (problem) return <div className="empty" role="alert">Fusion is not available: {problem}</div>;
  if (!plans || !found.searched) return <div className="empty">Preparing the fusion…</div>;

  const set = (patch: Partial<FusionSettings>) => setSettings((s) => ({ ...s, ...patch }));
  const appliedNote = found.matrix && transform === found.matrix && !registration.message ? found.note : '';
  return (
    <div className="mpr fusion-pane">
      <div className="mpr-toolbar" role="toolbar" aria-label="Fusion">
        <span title={`${base.seriesDescription} under ${overlay.seriesDescription}`}>
          {base.modality} {base.seriesDescription || base.seriesNumber} + {overlay.modality} {overlay.seriesDescription || overlay.seriesNumber}
        </span>
        <label>
          Mode{' '}
          <select aria-label="Fusion mode" value={settings.mode} onChange={(e) => set({ mode: e.target.value as FusionSettings['mode'] })}>
            <option value="blend">Blend</option>
            <option value="colour">Colour overlay</option>
            <option value="checkerboard">Checkerboard</option>
            <option value="swipe">Swipe</option>
          </select>
        </label>
        {settings.mode === 'blend' || settings.mode === 'colour' ? (
          <FractionSlider text="Opacity" label="Overlay opacity" value={settings.opacity} onChange={(opacity) => set({ opacity })} />
        ) : null}
        {settings.mode === 'colour' ? (
          <>
            <ColormapSelect label="Overlay colormap" value={settings.colormap} onChange={(colormap) => set({ colormap })} />
            <FractionSlider text="Threshold" label="Overlay lower threshold" value={settings.threshold} maxPercent={90} onChange={(threshold) => set({ threshold })} />
          </>
        ) : null}
        {settings.mode === 'checkerboard' ? (
          <label>
            Tile <input aria-label="Checkerboard tile (px)" type="number" min={8} max={256} value={settings.tilePx} onChange={(e) => set({ tilePx: Number(e.target.value) || 48 })} /> px
          </label>
        ) : null}
        {settings.mode === 'swipe' ? (
          <FractionSlider text="Swipe" label="Swipe position" value={settings.swipe} onChange={(swipe) => set({ swipe })} />
        ) : null}
        <button type="button" onClick={() => void register()} disabled={!volumes || registration.state === 'running'}>
          Register
        </button>
        {registration.state === 'running' ? (
          <button type="button" onClick={() => run.current?.cancel()}>
            Cancel
          </button>
        ) : null}
        <details className="crop">
          <summary>Adjust</summary>
          {(['tx', 'ty', 'tz'] as const).map((k) => (
            <label key={k} className="crop-row">
              {k[1]} mm <input aria-label={`Shift ${k[1]} (mm)`} type="number" step={0.5} value={adjust[k]} onChange={(e) => setAdjust((a) => ({ ...a, [k]: Number(e.target.value) || 0 }))} />
            </label>
          ))}
          {(['rx', 'ry', 'rz'] as const).map((k) => (
            <label key={k} className="crop-row">
              {k[1]} ° <input aria-label={`Rotate about ${k[1]} (degrees)`} type="number" step={0.5} value={adjust[k]} onChange={(e) => setAdjust((a) => ({ ...a, [k]: Number(e.target.value) || 0 }))} />
            </label>
          ))}
          <button type="button" onClick={applyAdjustment} disabled={!volumes}>
            Apply
          </button>
        </details>
        <button type="button" onClick={() => history.length && (setTransform(history.at(-1)), setHistory((h) => h.slice(0, -1)))} disabled={history.length === 0}>
          Undo
        </button>
        <button type="button" onClick={() => changeTransform(undefined)} disabled={!transform}>
          Reset
        </button>
        <button type="button" onClick={() => void saveRegistration()} disabled={saveState.busy} title="Store the current transform as a DICOM Spatial Registration object in the base series' study">
          Save registration
        </button>
        {sendTargets.length > 0 ? (
          <select aria-label="Also send to" value={sendTo} onChange={(e) => setSendTo(e.target.value)}>
            <option value="">Local archive only</option>
            {sendTargets.map((n) => (
              <option key={n.id} value={n.id}>
                Also send to {n.name}
              </option>
            ))}
          </select>
        ) : null}
        {/* Notes on a line of their own, always there: text coming and going never changes the planes' size, which would
            rescale the picture under a reader fine-tuning a registration. */}
        <div style={{ flexBasis: '100%', display: 'flex', gap: 10, minHeight: '1.4em', alignItems: 'center' }}>
          {saveState.message ? (
            <span data-testid="registration-save-status" role="status">
              {saveState.message}
            </span>
          ) : null}
          <span data-testid="registration-status" aria-live="polite" title="Shift+drag: move the overlay · Ctrl+Shift+drag: rotate it · arrows: 1 mm (Shift 10) · [ ]: 1° (Shift 10)">
            {/* The note stays while the transform is still the one found (not after an adjustment, undo or reset). */}
            {appliedNote}
            {registration.message}
            {transform ? `${registration.message || appliedNote ? ' — ' : ''}${describeTransform(transform)}` : ''}
          </span>
        </div>
      </div>
      {registration.state === 'done' && registration.warnings?.length && !warningsDismissed ? (
        // Over the planes, not in the notes line: the sentences are long, and the planes must not resize under a
        // reader fine-tuning the registration (see the notes line above).
        <div className="fusion-warnings" role="alert">
          {registration.warnings.map((w) => (
            <div key={w} data-testid="registration-warning" title={w}>
              ⚠ {w}
            </div>
          ))}
          <button type="button" aria-label="Dismiss the registration warnings" onClick={() => setWarningsDismissed(true)}>
            ×
          </button>
        </div>
      ) : null}
      {rt.panel}
      <FusionViewports base={plans.base} overlay={plans.overlay} transform={transform} settings={settings} dataPlaneHeaders={plane.headers} label="Fusion" onError={setError} onVolumes={setVolumes} onAdjust={onAdjust} {...(cellOverlay ? { cellOverlay } : {})} />
    </div>
  );
}
