/**
 * Keys of the stack viewer while a viewport has focus (documented in README "Viewer keys"). Pure; unit-tested.
 */
import { AUTO_WINDOW_KEY, WL_PRESETS, type WindowPreset } from './presets';

export type StackTool = 'WindowLevel' | 'Zoom' | 'Pan' | 'Length' | 'Angle' | 'EllipticalROI' | 'RectangleROI' | 'Probe';

export interface ToolInfo {
  tool: StackTool;
  label: string;
  key: string;
}

/** The left-button tools, in toolbar order, with their keys. */
export const STACK_TOOLS: readonly ToolInfo[] = [
  { tool: 'WindowLevel', label: 'W/L', key: 'W' },
  { tool: 'Zoom', label: 'Zoom', key: 'Z' },
  { tool: 'Pan', label: 'Pan', key: 'P' },
  { tool: 'Length', label: 'Length', key: 'L' },
  { tool: 'Angle', label: 'Angle', key: 'A' },
  { tool: 'EllipticalROI', label: 'Ellipse', key: 'E' },
  { tool: 'RectangleROI', label: 'Rectangle', key: 'T' },
  { tool: 'Probe', label: 'Probe', key: 'B' },
];

export type StackAction =
  | { kind: 'tool'; tool: StackTool }
  | { kind: 'preset'; preset: WindowPreset }
  | { kind: 'autoWindow' }
  | { kind: 'scroll'; delta: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'cine' }
  | { kind: 'reset' }
  | { kind: 'invert' }
  | { kind: 'flipH' }
  | { kind: 'flipV' }
  | { kind: 'rotate'; degrees: 90 | -90 }
  | { kind: 'deleteSelected' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
}

/** Keys shown in titles and README for the non-tool actions. */
export const ACTION_KEYS = {
  cine: 'Space',
  reset: 'R',
  invert: 'I',
  flipH: 'H',
  flipV: 'V',
  rotate: ']',
  rotateBack: '[',
  autoWindow: AUTO_WINDOW_KEY,
  deleteSelected: 'Delete',
} as const;

export function stackKeyAction(e: KeyLike): StackAction | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey) return undefined;
  const { key } = e;
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return { kind: 'scroll', delta: 1 };
    case 'ArrowUp':
    case 'ArrowLeft':
      return { kind: 'scroll', delta: -1 };
    case 'PageDown':
      return { kind: 'scroll', delta: 10 };
    case 'PageUp':
      return { kind: 'scroll', delta: -10 };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
    case ' ':
      return { kind: 'cine' };
    case ']':
      return { kind: 'rotate', degrees: 90 };
    case '[':
      return { kind: 'rotate', degrees: -90 };
    case 'Delete':
    case 'Backspace':
      return { kind: 'deleteSelected' };
    case AUTO_WINDOW_KEY:
      return { kind: 'autoWindow' };
  }
  const preset = WL_PRESETS.find((p) => p.key === key);
  if (preset) return { kind: 'preset', preset };
  const upper = key.length === 1 ? key.toUpperCase() : '';
  switch (upper) {
    case 'R':
      return { kind: 'reset' };
    case 'I':
      return { kind: 'invert' };
    case 'H':
      return { kind: 'flipH' };
    case 'V':
      return { kind: 'flipV' };
  }
  const tool = STACK_TOOLS.find((t) => t.key === upper);
  return tool ? { kind: 'tool', tool: tool.tool } : undefined;
}

/** Cine speeds offered, frames per second (1–60). */
export const CINE_FPS = [1, 2, 5, 10, 15, 20, 24, 30, 60] as const;

export function clampFps(fps: number): number {
  return Math.min(60, Math.max(1, Math.round(Number.isFinite(fps) ? fps : 10)));
}
