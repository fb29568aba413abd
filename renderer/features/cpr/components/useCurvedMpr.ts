/**
 * The state of Curved MPR (issue #19) for one MPR view: the path mode (off, drawing, done), the clicked points, the
 * CPR settings, the volume's voxels (taken only once the reader opens Curved MPR: it is a copy of the whole volume),
 * the CPR and the cross-section at the cursor, the keys (the crosshairs key toggles the mode; Backspace, Enter and
 * Esc while drawing), and the test hook `window.__dokueiCpr`.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CrossSectionImage } from '../../../../common/cpr';
import type { Vec3, Volume } from '../../../../common/registration/types';
import { matchShortcut } from '../../../../common/viewer/shortcuts';
import { useShortcutMap } from '../../settings';
import { computeCpr, computeCrossSection, DEFAULT_SETTINGS, type CprResult, type CprSettings } from '../model/cprCompute';
import { appendPoint, curvedPathData, pathLengthMm, type CurvedPathData, type PathPoint } from '../model/curvedPath';

/** The loaded volume as the MPR view hands it over (MprViewports' onVolume). */
export interface CprVolumeSource {
  /** Resolves when every slice is in. */
  done: Promise<void>;
  loaded(): boolean;
  /** The voxels (modality values) and geometry; may copy the whole volume: call once. */
  volume(): Volume;
}

export type CprMode = 'off' | 'drawing' | 'done';
export type CprStatus = 'idle' | 'waiting' | 'computing' | 'ready' | 'error';

export interface CurvedMpr {
  mode: CprMode;
  points: readonly PathPoint[];
  lengthMm: number | undefined;
  settings: CprSettings;
  status: CprStatus;
  error: string | undefined;
  result: CprResult | undefined;
  cross: CrossSectionImage | undefined;
  /** Arc length of the cursor along the path, mm (the cross-section's position). */
  cursorMm: number | undefined;
  /** The cursor's position in the patient, mm (marked on the planes). */
  cursorPoint: Vec3 | undefined;
  /** Toolbar button and key: drawing a new path (or showing the last one) ↔ off. */
  toggle(): void;
  /** Starts a new path (the old one is dropped). */
  startNew(): void;
  /** Adds a point (patient mm); `planeNormal` is the normal of the plane clicked on (the first one sets the CPR's up). */
  addPoint(point: readonly [number, number, number], planeNormal?: Vec3): void;
  removeLast(): void;
  finish(): void;
  /** Drops the path and leaves Curved MPR. */
  cancel(): void;
  /** Drops the path and leaves Curved MPR without dropping the saved path (another series is shown: it is not the reader's deletion). */
  reset(): void;
  /** Takes a saved path (the study reopened) when there is none: Curved MPR then opens on it. */
  restore(points: readonly PathPoint[]): void;
  setSettings(change: Partial<Omit<CprSettings, 'up'>>): void;
  setCursorMm(mm: number): void;
}

export interface CurvedMprOptions {
  /** Whether the MPR planes are shown (the keys act only then). */
  enabled: boolean;
  source: CprVolumeSource | undefined;
  frameOfReferenceUid: string | undefined;
  /** A finished path (Enter, double-click, Finish), or undefined when it is dropped. */
  onPathChange?: ((path: CurvedPathData | undefined) => void) | undefined;
}

/** A pause before computing, ms: clicks in quick succession make one CPR, and "Computing…" gets painted first. */
const COMPUTE_DELAY_MS = 40;

export function useCurvedMpr({ enabled, source, frameOfReferenceUid, onPathChange }: CurvedMprOptions): CurvedMpr {
  const [mode, setMode] = useState<CprMode>('off');
  const [points, setPointsState] = useState<readonly PathPoint[]>([]);
  // The points as of the last change, not the last render: Enter right after a burst of clicks (or of the test
  // hook's addPoint calls) must finish the path with all of them.
  const pointsNow = useRef<readonly PathPoint[]>([]);
  const setPoints = useCallback((next: readonly PathPoint[]) => {
    pointsNow.current = next;
    setPointsState(next);
  }, []);
  const [up, setUp] = useState<Vec3>(DEFAULT_SETTINGS.up);
  const [options, setOptions] = useState<Omit<CprSettings, 'up'>>(DEFAULT_SETTINGS);
  const [volume, setVolume] = useState<{ source: CprVolumeSource; volume: Volume } | { source: CprVolumeSource; error: string }>();
  const [computed, setComputed] = useState<{ result?: CprResult; error?: string; computing: boolean }>({ computing: false });
  const [cursorMm, setCursor] = useState<number>();
  const shortcuts = useShortcutMap();
  const settings = useMemo<CprSettings>(() => ({ ...options, up }), [options, up]);
  const lengthMm = useMemo(() => pathLengthMm(points), [points]);

  // The voxels, once Curved MPR is open and the whole volume is in (a CPR of a half-loaded volume would show gaps).
  const wanted = mode !== 'off' && source !== undefined;
  useEffect(() => {
    if (!wanted || !source || volume?.source === source) return;
    let stale = false;
    source.done.then(
      () => {
        if (stale) return;
        try {
          setVolume({ source, volume: source.volume() });
        } catch (e) {
          setVolume({ source, error: e instanceof Error ? e.message : String(e) });
        }
      },
      (e: unknown) => !stale && setVolume({ source, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      stale = true;
    };
  }, [wanted, source, volume]);
  const voxels = volume && volume.source === source && 'volume' in volume ? volume.volume : undefined;
  const volumeError = volume && volume.source === source && 'error' in volume ? volume.error : undefined;

  // The CPR, off the render: after a short pause, on the main thread (tens of ms for ≤ 1024 × 512 pixels; see
  // cprCompute's bounds). A newer path or setting cancels a pending one.
  useEffect(() => {
    if (mode === 'off' || !voxels || points.length < 2) {
      setComputed({ computing: false });
      return;
    }
    setComputed((c) => ({ ...c, computing: true }));
    const timer = window.setTimeout(() => {
      try {
        setComputed({ result: computeCpr(voxels, points, settings), computing: false });
      } catch (e) {
        setComputed({ error: e instanceof Error ? e.message : String(e), computing: false });
      }
    }, COMPUTE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [mode, voxels, points, settings]);

  const result = computed.result;
  // The cursor stays where the reader left it; a new path puts it halfway along.
  const cursor = result ? Math.min(result.path.lengthMm, Math.max(0, cursorMm ?? result.path.lengthMm / 2)) : undefined;
  const cross = useMemo(() => {
    if (!voxels || !result || cursor === undefined) return undefined;
    try {
      return computeCrossSection(voxels, result, cursor);
    } catch {
      return undefined;
    }
  }, [voxels, result, cursor]);

  const status: CprStatus = mode === 'off' || points.length < 2 ? 'idle' : volumeError || computed.error ? 'error' : !voxels ? 'waiting' : computed.computing || !result ? 'computing' : 'ready';

  const latest = useRef({ frameOfReferenceUid, onPathChange, mode });
  latest.current = { frameOfReferenceUid, onPathChange, mode };

  const addPoint = useCallback((point: readonly [number, number, number], planeNormal?: Vec3) => {
    // The plane the path starts on gives the CPR its up direction (a dental arch drawn on an axial slice is then
    // unrolled as the panoramic view; a vessel drawn on a coronal plane is cut front to back).
    if (pointsNow.current.length === 0 && planeNormal) setUp(planeNormal);
    setMode((m) => (m === 'off' || m === 'done' ? 'drawing' : m));
    setPoints(appendPoint(pointsNow.current, point));
  }, [setPoints]);
  const removeLast = useCallback(() => setPoints(pointsNow.current.slice(0, -1)), [setPoints]);
  const finish = useCallback(() => {
    const { frameOfReferenceUid: forUid, onPathChange: notify } = latest.current;
    const data = curvedPathData(pointsNow.current, forUid);
    // Fewer than 2 points is no path: keep drawing.
    if (!data) return;
    setMode('done');
    notify?.(data);
  }, []);
  const drop = useCallback((next: CprMode, notify = true) => {
    const hadPath = pointsNow.current.length >= 2;
    setPoints([]);
    setUp(DEFAULT_SETTINGS.up);
    setCursor(undefined);
    setMode(next);
    if (hadPath && notify) latest.current.onPathChange?.(undefined);
  }, [setPoints]);
  const cancel = useCallback(() => drop('off'), [drop]);
  const reset = useCallback(() => drop('off', false), [drop]);
  const startNew = useCallback(() => drop('drawing'), [drop]);
  // The saved model keeps the points, not the plane clicked first: the CPR's up is the default (axial) one.
  const restore = useCallback((saved: readonly PathPoint[]) => {
    if (pointsNow.current.length > 0 || saved.length < 2) return;
    setPoints(saved.map((p) => [p[0], p[1], p[2]] as PathPoint));
  }, [setPoints]);
  const toggle = useCallback(() => {
    setMode((m) => (m === 'off' ? (pointsNow.current.length >= 2 ? 'done' : 'drawing') : 'off'));
  }, []);
  const setSettings = useCallback((change: Partial<Omit<CprSettings, 'up'>>) => setOptions((o) => ({ ...o, ...change })), []);
  const setCursorMm = useCallback((mm: number) => setCursor(mm), []);

  // Keys: the crosshairs key (C by default) toggles Curved MPR while the planes are shown; while drawing, Backspace
  // removes the last point, Enter finishes, Esc cancels. Not in text fields and selects (the panel's own controls).
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const plain = !e.ctrlKey && !e.altKey && !e.metaKey;
      if (latest.current.mode === 'drawing' && plain) {
        const act = e.key === 'Backspace' ? removeLast : e.key === 'Enter' ? finish : e.key === 'Escape' ? cancel : undefined;
        if (act) {
          e.preventDefault();
          act();
          return;
        }
      }
      if (matchShortcut(e, shortcuts) === 'toolCrosshairs') {
        e.preventDefault();
        toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, shortcuts, removeLast, finish, cancel, toggle]);

  const state: CurvedMpr = {
    mode,
    points,
    lengthMm,
    settings,
    status,
    error: volumeError ?? computed.error,
    result,
    cross,
    cursorMm: cursor,
    cursorPoint: cross?.frame.position,
    toggle,
    startNew,
    addPoint,
    removeLast,
    finish,
    cancel,
    reset,
    restore,
    setSettings,
    setCursorMm,
  };
  const hookState = useRef(state);
  hookState.current = state;
  useEffect(() => {
    if (!enabled) return;
    window.__dokueiCpr = cprHook(() => hookState.current);
    return () => {
      delete window.__dokueiCpr;
    };
  }, [enabled]);
  return state;
}

/** What the e2e tests read and do (plain arrays: they cross page.evaluate). */
export interface CprHook {
  state(): { mode: CprMode; status: CprStatus; points: PathPoint[]; lengthMm: number | undefined; error: string | undefined; settings: CprSettings; cursorMm: number | undefined };
  /** The path's length along the curve, mm. */
  lengthMm(): number | undefined;
  /** Adds a point in patient mm, as a click there would (opens Curved MPR in drawing mode if it is off). */
  addPoint(point: [number, number, number], planeNormal?: [number, number, number]): void;
  removeLast(): void;
  finish(): void;
  cancel(): void;
  setSettings(change: Partial<Omit<CprSettings, 'up'>>): void;
  setCursorMm(mm: number): void;
  /** The CPR shown: values row-major (NaN outside the volume), square pixels of mmPerPixel, row r at arc length rowArcLengthsMm[r]. */
  image():
    | { kind: 'straightened' | 'stretched'; width: number; height: number; values: number[]; mmPerPixel: number; lengthMm: number; centreColumn: number | undefined; centreColumns: number[]; rowArcLengthsMm: number[] }
    | undefined;
  crossSection(): { width: number; height: number; values: number[]; mmPerPixel: number; arcLengthMm: number; centre: number } | undefined;
}

function cprHook(get: () => CurvedMpr): CprHook {
  return {
    state: () => {
      const s = get();
      return { mode: s.mode, status: s.status, points: s.points.map((p) => [...p] as PathPoint), lengthMm: s.lengthMm, error: s.error, settings: s.settings, cursorMm: s.cursorMm };
    },
    lengthMm: () => get().lengthMm,
    addPoint: (p, n) => get().addPoint(p, n),
    removeLast: () => get().removeLast(),
    finish: () => get().finish(),
    cancel: () => get().cancel(),
    setSettings: (c) => get().setSettings(c),
    setCursorMm: (mm) => get().setCursorMm(mm),
    image: () => {
      const r = get().result;
      if (!r) return undefined;
      const i = r.image;
      return {
        kind: i.kind,
        width: i.width,
        height: i.height,
        values: Array.from(i.pixels),
        mmPerPixel: i.pixelMm,
        lengthMm: i.lengthMm,
        centreColumn: i.kind === 'straightened' ? i.centreColumn : undefined,
        // Per row, the (fractional) column the path crosses: the centre column throughout when straightened.
        centreColumns: i.kind === 'straightened' ? new Array<number>(i.height).fill(i.centreColumn) : Array.from(i.centreColumns),
        rowArcLengthsMm: Array.from(r.rowArcLengthsMm),
      };
    },
    crossSection: () => {
      const c = get().cross;
      return c ? { width: c.width, height: c.height, values: Array.from(c.pixels), mmPerPixel: c.pixelMm, arcLengthMm: c.arcLengthMm, centre: c.centre } : undefined;
    },
  };
}

declare global {
  interface Window {
    __dokueiCpr?: CprHook;
  }
}
