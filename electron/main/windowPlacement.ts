/**
 * Where Dokuei's windows go on the reading workstation's monitors, and remembering it per set of monitors (issue #18).
 * A reading room's PCs and monitors are replaced often: a placement saved with two monitors must not put a window on
 * a monitor that is gone, and the placement for the two-monitor set comes back when that set is plugged in again.
 * Pure (no 'electron' import): main gives it screen.getAllDisplays() and the windows' bounds; the unit tests give it
 * made-up monitors.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What main reads from Electron's Display (screen.getAllDisplays()). */
export interface DisplayInfo {
  id: number;
  bounds: Rect;
  /** The bounds less the task bar / dock / menu bar. */
  workArea: Rect;
  scaleFactor: number;
  primary: boolean;
}

/** 'main': the study browser + viewer window; 'viewer': a window opened for images only, on another monitor. */
export type WindowRole = 'main' | 'viewer';

export interface Placement {
  bounds: Rect;
  maximized: boolean;
  fullScreen: boolean;
}

/** Per display set (displaySetKey), per window role. Kept in main's own window-state file, not in the settings. */
export type SavedPlacements = Record<string, Partial<Record<WindowRole, Placement>>>;

/** Display sets remembered at most (the oldest is forgotten): a laptop that met many projectors should not grow a file forever. */
export const MAX_DISPLAY_SETS = 8;

/** A window at least this wide and high is visible enough to be grabbed and moved; less is "off screen". */
const MIN_VISIBLE = 100;

/**
 * The set of monitors as a key: each monitor's size, position and scale, in position order. Display ids change
 * between sessions on some systems, so they are not part of the key; the same monitors arranged the same way give
 * the same key.
 */
export function displaySetKey(displays: readonly DisplayInfo[]): string {
  return [...displays]
    .sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y)
    .map((d) => `${d.bounds.width}x${d.bounds.height}@${d.bounds.x},${d.bounds.y}*${d.scaleFactor}`)
    .join('|');
}

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - x), height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - y) };
}

const area = (r: Rect) => r.width * r.height;

/** The display holding most of the rectangle (the primary when it is on none). */
export function displayOf(rect: Rect, displays: readonly DisplayInfo[]): DisplayInfo {
  let best: DisplayInfo | undefined;
  let bestArea = 0;
  for (const d of displays) {
    const a = area(overlap(rect, d.workArea));
    if (a > bestArea) [best, bestArea] = [d, a];
  }
  return best ?? primaryOf(displays);
}

function primaryOf(displays: readonly DisplayInfo[]): DisplayInfo {
  const primary = displays.find((d) => d.primary) ?? displays[0];
  if (!primary) throw new Error('No display: window placement needs at least one');
  return primary;
}

/** Whether enough of the window lies on one monitor's work area to be seen and moved (title bar included). */
export function isVisible(rect: Rect, displays: readonly DisplayInfo[]): boolean {
  return displays.some((d) => {
    const o = overlap(rect, d.workArea);
    return o.width >= Math.min(MIN_VISIBLE, rect.width) && o.height >= Math.min(MIN_VISIBLE, rect.height) && rect.y >= d.workArea.y - 1 && rect.y < d.workArea.y + d.workArea.height;
  });
}

/** The rectangle moved (and shrunk when needed) into a work area: for a placement that is partly off screen. */
export function fitInto(rect: Rect, workArea: Rect): Rect {
  const width = Math.min(rect.width, workArea.width);
  const height = Math.min(rect.height, workArea.height);
  const x = Math.min(Math.max(rect.x, workArea.x), workArea.x + workArea.width - width);
  const y = Math.min(Math.max(rect.y, workArea.y), workArea.y + workArea.height - height);
  return { x, y, width, height };
}

/** 85 % of the work area, centred: the main window's first placement on a monitor. */
function centred(workArea: Rect, share = 0.85): Rect {
  const width = Math.round(workArea.width * share);
  const height = Math.round(workArea.height * share);
  return { x: workArea.x + Math.round((workArea.width - width) / 2), y: workArea.y + Math.round((workArea.height - height) / 2), width, height };
}

/**
 * The monitor for the images: the largest monitor other than the one the main window is on (a reading station's
 * diagnostic monitors are its large ones), or that same monitor when there is only one.
 */
export function viewerDisplay(displays: readonly DisplayInfo[], mainBounds: Rect | undefined): DisplayInfo {
  const main = mainBounds ? displayOf(mainBounds, displays) : primaryOf(displays);
  const others = displays.filter((d) => d.id !== main.id);
  if (others.length === 0) return main;
  return others.reduce((a, b) => (area(b.bounds) > area(a.bounds) ? b : a));
}

/**
 * Where a window opens: as saved for this very set of monitors when that still lies on screen (fitted into its
 * monitor if it hangs over an edge); otherwise the default — the main window centred on the primary monitor, a
 * viewer window maximised on the other (largest) monitor.
 */
export function placementFor(saved: SavedPlacements, displays: readonly DisplayInfo[], role: WindowRole, mainBounds?: Rect): Placement & { source: 'saved' | 'default' } {
  const remembered = saved[displaySetKey(displays)]?.[role];
  if (remembered && isVisible(remembered.bounds, displays)) {
    const display = displayOf(remembered.bounds, displays);
    return { ...remembered, bounds: fitInto(remembered.bounds, display.workArea), source: 'saved' };
  }
  if (role === 'main') return { bounds: centred(primaryOf(displays).workArea), maximized: false, fullScreen: false, source: 'default' };
  const target = viewerDisplay(displays, mainBounds);
  return { bounds: { ...target.workArea }, maximized: true, fullScreen: false, source: 'default' };
}

/**
 * The saved placements with this window's placement for the current set of monitors (the set moved to the end:
 * the least recently used set is the one forgotten beyond MAX_DISPLAY_SETS). `bounds` are the normal (restored)
 * bounds, so a maximised window comes back maximised on the right monitor and restores to its own size.
 */
export function rememberPlacement(saved: SavedPlacements, displays: readonly DisplayInfo[], role: WindowRole, placement: Placement): SavedPlacements {
  const key = displaySetKey(displays);
  const entries = Object.entries(saved).filter(([k]) => k !== key);
  entries.push([key, { ...saved[key], [role]: { bounds: { ...placement.bounds }, maximized: placement.maximized, fullScreen: placement.fullScreen } }]);
  return Object.fromEntries(entries.slice(-MAX_DISPLAY_SETS));
}

/** A saved-placements file as read from disk: anything malformed is dropped, never trusted. */
export function parseSavedPlacements(raw: unknown): SavedPlacements {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const isRect = (r: unknown): r is Rect =>
    !!r && typeof r === 'object' && (['x', 'y', 'width', 'height'] as const).every((k) => Number.isFinite((r as Record<string, unknown>)[k])) && (r as Rect).width > 0 && (r as Rect).height > 0;
  const out: SavedPlacements = {};
  for (const [key, roles] of Object.entries(raw as Record<string, unknown>)) {
    if (!roles || typeof roles !== 'object') continue;
    const kept: Partial<Record<WindowRole, Placement>> = {};
    for (const role of ['main', 'viewer'] as const) {
      const p = (roles as Record<string, unknown>)[role] as Partial<Placement> | undefined;
      if (p && isRect(p.bounds)) kept[role] = { bounds: p.bounds, maximized: p.maximized === true, fullScreen: p.fullScreen === true };
    }
    if (Object.keys(kept).length) out[key] = kept;
  }
  return out;
}
