/**
 * A 4DCT as its respiratory phases (issue #17): three orthogonal planes at one fixed position, showing one phase
 * (stepped or played as a cine) or the maximum / average / minimum over every phase. Opened where the MPR layout
 * would refuse a series that holds several images at each position and splitPhases can tell them apart.
 *
 * Keys (with the view focused): Space plays or pauses the cine, ← → step a phase, ↑ ↓ (or PageUp/PageDown) move the
 * plane last clicked, M shows the MIP, A the average, P one phase.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { getNumber } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { planeCount, voxelToPatient, type PhaseGrid, type PhaseProjection, type PlaneAxis } from '../../../../common/volume/phaseVolumes';
import type { RespiratoryPhase } from '../../../../common/volume/respiratoryPhases';
import { WL_PRESETS, type StackEntry } from '../../../imaging';
import { useTranslation } from '../../../ui/i18n';
import { CINE_SPEEDS, DEFAULT_CINE_FPS, formatBytes, PROJECTION_LABELS, stepPhase, type PhaseShow } from '../model/phaseDisplay';
import { phaseText } from '../model/phaseWarningText';
import { PhasePlaneView, type Voxel } from './PhasePlaneView';
import { usePhaseVolumes } from './usePhaseVolumes';

export interface PhasesPaneProps {
  phases: readonly RespiratoryPhase[];
  /** The frame to load for each image of the phases. */
  entries: readonly StackEntry[];
  /** splitPhases' warnings (phases left out and why). */
  splitWarnings: readonly string[];
  /** Phases gathered from several series: a way back to the series the reader opened. */
  onClose?: () => void;
}

const AXES: PlaneAxis[] = ['row', 'slice', 'column'];
const LETTERS = ['x', 'y', 'z'] as const;

/** "axial", "coronal" or "sagittal" (the name's key: phases.plane.*) by the patient axis a plane's normal is closest to. */
function planeName(grid: PhaseGrid, axis: PlaneAxis): 'axial' | 'coronal' | 'sagittal' {
  const n = axis === 'slice' ? grid.sliceDirection : axis === 'row' ? grid.columnDirection : grid.rowDirection;
  const a = n.map(Math.abs);
  return a[2]! >= a[0]! && a[2]! >= a[1]! ? 'axial' : a[1]! >= a[0]! ? 'coronal' : 'sagittal';
}

/** "z −12.5 mm": the patient coordinate the plane is at, along the axis its normal is closest to. */
function planePosition(grid: PhaseGrid, axis: PlaneAxis, at: Voxel): string {
  const n = axis === 'slice' ? grid.sliceDirection : axis === 'row' ? grid.columnDirection : grid.rowDirection;
  const a = n.map(Math.abs);
  const letter = a[2]! >= a[0]! && a[2]! >= a[1]! ? 2 : a[1]! >= a[0]! ? 1 : 0;
  const p = voxelToPatient(grid, at[0], at[1], at[2]);
  return `${LETTERS[letter]} ${p[letter]!.toFixed(1)} mm`;
}

function imageWindow(ds: DicomJsonDataset | undefined): { center: number; width: number } {
  const center = ds ? getNumber(ds, Tag.WindowCenter) : undefined;
  const width = ds ? getNumber(ds, Tag.WindowWidth) : undefined;
  return center !== undefined && width !== undefined && width > 0 ? { center, width } : { center: 40, width: 400 };
}

export function PhasesPane({ phases, entries, splitWarnings, onClose }: PhasesPaneProps) {
  const { t } = useTranslation();
  const entryOf = useMemo(() => {
    const byDataset = new Map<DicomJsonDataset, StackEntry>();
    // The first frame of each image: a phase's images are single-frame slices.
    for (const e of entries) if (!byDataset.has(e.metadata)) byDataset.set(e.metadata, e);
    return (ds: DicomJsonDataset) => byDataset.get(ds);
  }, [entries]);
  const data = usePhaseVolumes(phases, entryOf);
  const { grid } = data;
  const count = phases.length;
  const [phase, setPhase] = useState(0);
  const [show, setShow] = useState<PhaseShow>({ kind: 'phase' });
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState<number>(DEFAULT_CINE_FPS);
  const initialWindow = useMemo(() => imageWindow(phases[0]?.datasets[0]), [phases]);
  const [win, setWin] = useState(initialWindow);
  const [at, setAt] = useState<Voxel>();
  const [active, setActive] = useState<PlaneAxis>('row');
  const [large, setLarge] = useState<PlaneAxis>('row');
  const [lines, setLines] = useState(true);

  // The planes start through the middle of the volume.
  useEffect(() => {
    if (grid && !at) setAt([Math.floor(grid.columns / 2), Math.floor(grid.rows / 2), Math.floor(grid.slices / 2)]);
  }, [grid, at]);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setPhase((p) => stepPhase(p, count, 1)), 1000 / fps);
    return () => clearInterval(timer);
  }, [playing, fps, count]);

  const move = useCallback(
    (axis: PlaneAxis, delta: number) => {
      if (!grid) return;
      setAt((prev) => {
        if (!prev) return prev;
        const next: Voxel = [...prev];
        const i = axis === 'slice' ? 2 : axis === 'row' ? 1 : 0;
        next[i] = Math.max(0, Math.min(planeCount(grid, axis) - 1, next[i] + delta));
        return next;
      });
    },
    [grid],
  );

  const play = (on: boolean) => {
    setPlaying(on);
    // A cine shows phases: leaving a projection for it.
    if (on) setShow({ kind: 'phase' });
  };

  const onKey = (e: React.KeyboardEvent) => {
    const handled = (() => {
      switch (e.key) {
        case ' ':
          play(!playing);
          return true;
        case 'ArrowRight':
        case 'ArrowLeft':
          setShow({ kind: 'phase' });
          setPhase((p) => stepPhase(p, count, e.key === 'ArrowRight' ? 1 : -1));
          return true;
        case 'ArrowUp':
        case 'PageUp':
          move(active, 1);
          return true;
        case 'ArrowDown':
        case 'PageDown':
          move(active, -1);
          return true;
        case 'm':
        case 'M':
          setPlaying(false);
          setShow({ kind: 'projection', mode: 'mip' });
          return true;
        case 'a':
        case 'A':
          setPlaying(false);
          setShow({ kind: 'projection', mode: 'average' });
          return true;
        case 'p':
        case 'P':
          setShow({ kind: 'phase' });
          return true;
        default:
          return false;
      }
    })();
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const phaseLabel = phases[phase]?.label ?? '';
  // The overlay line (as the model's showLabel words it): "Phase 30 % (4 of 10)" or "MIP over 10 phases".
  const overlay =
    show.kind === 'projection'
      ? t('phases.overlayProjection', { projection: t(`phases.projection.${show.mode}`), phases: count })
      : t('phases.overlayPhase', { label: phaseLabel, number: phase + 1, total: count });
  const status = data.error ? 'error' : data.done ? 'ready' : 'loading';
  const shownValue = show.kind === 'phase' ? 'phase' : show.mode;

  const view = (axis: PlaneAxis, isLarge: boolean) =>
    grid && at ? (
      <PhasePlaneView
        key={axis}
        axis={axis}
        name={t(`phases.plane.${planeName(grid, axis)}`)}
        grid={grid}
        volumes={data.volumes}
        version={data.version}
        show={show}
        phase={phase}
        at={at}
        window={win}
        overlay={overlay}
        position={planePosition(grid, axis, at)}
        lines={lines}
        large={isLarge}
        onMove={move}
        onPick={setAt}
        onWindow={(center, width) => setWin({ center, width })}
        onActivate={setActive}
        onEnlarge={setLarge}
      />
    ) : null;

  return (
    <div className="mpr phases" data-testid="phases-layout" data-state={status} data-phase={phase} tabIndex={0} onKeyDown={onKey} aria-label={t('phases.label')}>
      <div className="mpr-toolbar" role="toolbar" aria-label={t('phases.label')}>
        {onClose ? (
          <button type="button" onClick={onClose} title={t('phases.backTitle')}>
            {t('phases.back')}
          </button>
        ) : null}
        <button type="button" aria-pressed={playing} onClick={() => play(!playing)} title={t('phases.playTitle')}>
          {playing ? t('phases.pause') : t('phases.play')}
        </button>
        <label>
          {t('phases.phase')}{' '}
          <input
            type="range"
            min={0}
            max={Math.max(0, count - 1)}
            value={phase}
            aria-label={t('phases.phase')}
            aria-valuetext={phaseLabel}
            onChange={(e) => {
              setShow({ kind: 'phase' });
              setPhase(Number(e.target.value));
            }}
          />{' '}
          <span data-testid="phase-label">{phaseLabel}</span>
        </label>
        <label>
          {t('phases.speed')}{' '}
          <select aria-label={t('phases.speedLabel')} value={fps} onChange={(e) => setFps(Number(e.target.value))}>
            {CINE_SPEEDS.map((s) => (
              <option key={s} value={s}>{t('phases.speedOption', { fps: s })}</option>
            ))}
          </select>
        </label>
        <label>
          {t('phases.show')}{' '}
          <select
            aria-label={t('phases.show')}
            value={shownValue}
            onChange={(e) => {
              const v = e.target.value;
              if (v === 'phase') setShow({ kind: 'phase' });
              else {
                setPlaying(false);
                setShow({ kind: 'projection', mode: v as PhaseProjection });
              }
            }}
          >
            <option value="phase">{t('phases.onePhase')}</option>
            {(Object.keys(PROJECTION_LABELS) as PhaseProjection[]).map((m) => (
              <option key={m} value={m}>{t('phases.overPhases', { projection: t(`phases.projection.${m}`) })}</option>
            ))}
          </select>
        </label>
        <label>
          {t('phases.window')}{' '}
          <select
            aria-label={t('phases.windowPreset')}
            value=""
            onChange={(e) => {
              const p = WL_PRESETS.find((w) => w.id === e.target.value);
              if (p) setWin({ center: p.windowCenter, width: p.windowWidth });
              else if (e.target.value === 'image') setWin(initialWindow);
            }}
          >
            <option value="">{t('phases.windowCurrent', { width: Math.round(win.width), level: Math.round(win.center) })}</option>
            <option value="image">{t('phases.imageWindow')}</option>
            {WL_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>{t(`viewer.preset.${p.id}`)}</option>
            ))}
          </select>
        </label>
        <label title={t('phases.referenceLinesTitle')}>
          <input type="checkbox" checked={lines} onChange={(e) => setLines(e.target.checked)} /> {t('phases.referenceLines')}
        </label>
        {grid && data.memory ? (
          <span className="mpr-estimate" data-testid="phases-memory" data-bytes-per-voxel={data.memory.bytesPerVoxel} data-total-bytes={data.memory.totalBytes}>
            {t('phases.memory', {
              phases: count,
              columns: grid.columns,
              rows: grid.rows,
              slices: grid.slices,
              bytesPerVoxel: data.memory.bytesPerVoxel,
              total: formatBytes(data.memory.totalBytes),
            })}
          </span>
        ) : null}
        {status === 'loading' ? (
          <span className="mpr-progress" aria-live="polite">
            <progress max={data.total} value={data.loaded} aria-label={t('phases.loading')} /> {t('phases.loadedImages', { loaded: data.loaded, total: data.total })}
          </span>
        ) : null}
      </div>
      {data.error ? (
        <div className="volume-notices" role="alert" data-testid="phases-error">{t('phases.error', { error: phaseText(t, data.error) })}</div>
      ) : null}
      {[...splitWarnings, ...data.warnings].length > 0 ? (
        <div className="volume-notices" role="status" data-testid="phases-notices">{[...splitWarnings, ...data.warnings].map((w) => phaseText(t, w)).join(' ')}</div>
      ) : null}
      {grid && at ? (
        <div className="mpr-grid">
          {view(large, true)}
          <div className="mpr-side phase-side">{AXES.filter((a) => a !== large).map((a) => view(a, false))}</div>
        </div>
      ) : null}
      <span className="visually-hidden" aria-live="polite" data-testid="phase-announce">{overlay}</span>
    </div>
  );
}
