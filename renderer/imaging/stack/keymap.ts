/**
 * Keys of the stack viewer while a viewport has focus: the shared viewer keyboard map
 * (common/viewer/shortcuts.ts: DEFAULT_SHORTCUTS, or the reader's merged map passed as the viewport's `keymap`)
 * turned into stack actions. Actions that are not the stack's
 * (layouts, next series, crosshairs, undo…) give undefined so the key reaches whoever handles them. Pure; unit-tested.
 */
import { compileShortcuts, DEFAULT_SHORTCUTS, matchShortcut, type CompiledShortcuts, type ShortcutAction, type ShortcutMap } from '../../../common/viewer/shortcuts';
import { WL_PRESETS, type WindowPreset } from './presets';

export type StackTool = 'WindowLevel' | 'Zoom' | 'Pan' | 'Length' | 'Angle' | 'EllipticalROI' | 'RectangleROI' | 'Probe';

export interface ToolInfo {
  tool: StackTool;
  label: string;
  action: ShortcutAction;
}

/** The left-button tools, in toolbar order, with their actions in the keyboard map. */
export const STACK_TOOLS: readonly ToolInfo[] = [
  { tool: 'WindowLevel', label: 'W/L', action: 'toolWindowLevel' },
  { tool: 'Zoom', label: 'Zoom', action: 'toolZoom' },
  { tool: 'Pan', label: 'Pan', action: 'toolPan' },
  { tool: 'Length', label: 'Length', action: 'toolLength' },
  { tool: 'Angle', label: 'Angle', action: 'toolAngle' },
  { tool: 'EllipticalROI', label: 'Ellipse', action: 'toolEllipseRoi' },
  { tool: 'RectangleROI', label: 'Rectangle', action: 'toolRectangleRoi' },
  { tool: 'Probe', label: 'Probe', action: 'toolProbe' },
];

export type StackAction =
  | { kind: 'tool'; tool: StackTool }
  | { kind: 'preset'; preset: WindowPreset }
  | { kind: 'autoWindow' }
  | { kind: 'imageWindow' }
  | { kind: 'scroll'; delta: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'cine' }
  | { kind: 'reset' }
  | { kind: 'invert' }
  | { kind: 'flipH' }
  | { kind: 'flipV' }
  | { kind: 'rotate'; degrees: 90 | -90 }
  | { kind: 'deleteSelected' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'keyImage' };

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
}

const FIXED: Partial<Record<ShortcutAction, StackAction>> = {
  nextSlice: { kind: 'scroll', delta: 1 },
  prevSlice: { kind: 'scroll', delta: -1 },
  pageDown: { kind: 'scroll', delta: 10 },
  pageUp: { kind: 'scroll', delta: -10 },
  firstSlice: { kind: 'first' },
  lastSlice: { kind: 'last' },
  cine: { kind: 'cine' },
  reset: { kind: 'reset' },
  invert: { kind: 'invert' },
  flipH: { kind: 'flipH' },
  flipV: { kind: 'flipV' },
  rotateRight: { kind: 'rotate', degrees: 90 },
  rotateLeft: { kind: 'rotate', degrees: -90 },
  wlDefault: { kind: 'imageWindow' },
  deleteAnnotation: { kind: 'deleteSelected' },
  undo: { kind: 'undo' },
  redo: { kind: 'redo' },
  keyImage: { kind: 'keyImage' },
};

/** The stack action of a shortcut action, or undefined when it is not the stack viewport's. */
export function actionFor(action: ShortcutAction): StackAction | undefined {
  const preset = /^wlPreset([1-9])$/.exec(action);
  if (preset) {
    const p = WL_PRESETS[Number(preset[1]) - 1];
    return p ? { kind: 'preset', preset: p } : undefined;
  }
  const tool = STACK_TOOLS.find((t) => t.action === action);
  if (tool) return { kind: 'tool', tool: tool.tool };
  return FIXED[action];
}

/** Each map is compiled once (maps are replaced, never mutated, when the reader edits the keys). */
const compiled = new WeakMap<ShortcutMap, CompiledShortcuts>();
function compiledFor(map: ShortcutMap): CompiledShortcuts {
  let c = compiled.get(map);
  if (!c) compiled.set(map, (c = compileShortcuts(map)));
  return c;
}

/** The stack action of a key event under `map` (default: DEFAULT_SHORTCUTS), or undefined. */
export function stackKeyAction(e: KeyLike, map: ShortcutMap = DEFAULT_SHORTCUTS): StackAction | undefined {
  const event = { key: e.key, code: e.code, ctrlKey: !!e.ctrlKey, altKey: !!e.altKey, metaKey: !!e.metaKey, shiftKey: !!e.shiftKey };
  const action = matchShortcut(event, compiledFor(map));
  return action ? actionFor(action) : undefined;
}

/** The first key bound to an action, for titles ("Length (L)"). */
export function keyFor(action: ShortcutAction, map: ShortcutMap = DEFAULT_SHORTCUTS): string {
  const spec = map[action]?.[0] ?? '';
  return spec.replace(/^Period$/, '.').replace(/^Comma$/, ',');
}

/** Cine speeds offered, frames per second (1–60). */
export const CINE_FPS = [1, 2, 5, 10, 15, 20, 24, 30, 60] as const;

export function clampFps(fps: number): number {
  return Math.min(60, Math.max(1, Math.round(Number.isFinite(fps) ? fps : 10)));
}
