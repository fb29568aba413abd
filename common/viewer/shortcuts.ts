/**
 * The viewer's keyboard map: actions, their default keys, key specs ("Ctrl+Shift+K"), matching a keyboard event,
 * conflict checks, and the user's overrides merged over the defaults. Pure and isomorphic.
 *
 * The map applies while a viewport has focus; elsewhere (the study browser, text fields) the page's own keys
 * apply — e.g. R is "retrieve" in the study browser and "reset" here. The UI should not call matchShortcut while
 * an <input> or <textarea> has focus.
 *
 * Key specs: modifiers Ctrl, Alt, Shift, Meta (aliases Control, Option, Cmd/Command, Win/Super), joined with "+",
 * then one key: a letter or digit, a name (Space, ArrowUp, PageDown, Home, End, Escape, Enter, Tab, Backspace,
 * Delete, Insert, F1–F24) or a punctuation name (Period, Comma, Minus, Plus, Equal, Slash, Backslash, Semicolon,
 * Quote, Backquote, BracketLeft, BracketRight); the characters themselves (".", ",") are accepted too. Case does not
 * matter. resources/shortcuts/default.json is the defaults below, as a file the user can copy and edit.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------
// Window/level presets

export interface WlPreset {
  id: string;
  name: string;
  /** Window width. */
  window: number;
  /** Window level (center). */
  level: number;
  modality: string;
}

/**
 * CT window presets, in the order of the digit keys 1–9. Values: Radiopaedia, "Windowing (CT)"
 * (https://radiopaedia.org/articles/windowing-ct) for brain W80/L40, lung W1500/L−600, abdomen W400/L50,
 * mediastinum W350/L50, liver W150/L30, stroke W40/L40, subdural W200/L75 (their range 130–300/50–100) and
 * temporal bone W2800/L600; bone W2500/L480 as in the OHIF Viewer's and cornerstone's default presets (Radiopaedia
 * gives W1800/L400; the wider window keeps cortical detail and metal readable).
 */
export const WL_PRESETS: readonly WlPreset[] = [
  { id: 'brain', name: 'Brain', window: 80, level: 40, modality: 'CT' },
  { id: 'lung', name: 'Lung', window: 1500, level: -600, modality: 'CT' },
  { id: 'bone', name: 'Bone', window: 2500, level: 480, modality: 'CT' },
  { id: 'abdomen', name: 'Abdomen', window: 400, level: 50, modality: 'CT' },
  { id: 'mediastinum', name: 'Mediastinum', window: 350, level: 50, modality: 'CT' },
  { id: 'liver', name: 'Liver', window: 150, level: 30, modality: 'CT' },
  { id: 'stroke', name: 'Stroke', window: 40, level: 40, modality: 'CT' },
  { id: 'subdural', name: 'Subdural', window: 200, level: 75, modality: 'CT' },
  { id: 'temporal-bone', name: 'Temporal bone', window: 2800, level: 600, modality: 'CT' },
];

// ---------------------------------------------------------------------------------------------------------
// Actions

/** Every action the viewer's keyboard map can bind, with what it does (for the settings screen). */
export const SHORTCUT_ACTIONS = {
  wlPreset1: 'Window/level preset 1 (Brain W80/L40)',
  wlPreset2: 'Window/level preset 2 (Lung W1500/L−600)',
  wlPreset3: 'Window/level preset 3 (Bone W2500/L480)',
  wlPreset4: 'Window/level preset 4 (Abdomen W400/L50)',
  wlPreset5: 'Window/level preset 5 (Mediastinum W350/L50)',
  wlPreset6: 'Window/level preset 6 (Liver W150/L30)',
  wlPreset7: 'Window/level preset 7 (Stroke W40/L40)',
  wlPreset8: 'Window/level preset 8 (Subdural W200/L75)',
  wlPreset9: 'Window/level preset 9 (Temporal bone W2800/L600)',
  wlDefault: "The image's own window/level",
  nextSlice: 'Next slice',
  prevSlice: 'Previous slice',
  pageDown: '10 slices forward',
  pageUp: '10 slices back',
  firstSlice: 'First slice',
  lastSlice: 'Last slice',
  cine: 'Play or stop cine',
  nextSeries: 'Next series in this viewport',
  prevSeries: 'Previous series in this viewport',
  reset: 'Reset the view (zoom, pan, window, rotation)',
  invert: 'Invert grey scale',
  flipH: 'Flip horizontally',
  flipV: 'Flip vertically',
  rotateRight: 'Rotate 90° clockwise',
  rotateLeft: 'Rotate 90° counter-clockwise',
  toggleOverlays: 'Show or hide the text overlays',
  toolWindowLevel: 'Tool: window/level',
  toolZoom: 'Tool: zoom',
  toolPan: 'Tool: pan',
  toolLength: 'Tool: length',
  toolAngle: 'Tool: angle',
  toolEllipseRoi: 'Tool: elliptical ROI',
  toolRectangleRoi: 'Tool: rectangular ROI',
  toolProbe: 'Tool: probe (value at a point)',
  toolCrosshairs: 'Tool: crosshairs (MPR)',
  layout1x1: 'Layout: one viewport',
  layout1x2: 'Layout: two side by side',
  layout2x2: 'Layout: 2 × 2',
  layoutMpr: 'Layout: MPR 1 + 3',
  deleteAnnotation: 'Delete the selected measurement',
  undo: 'Undo',
  redo: 'Redo',
  keyImage: 'Mark or unmark the image as a key image',
  cancel: 'Cancel the measurement being drawn',
} as const;

export type ShortcutAction = keyof typeof SHORTCUT_ACTIONS;
export const SHORTCUT_ACTION_IDS = Object.keys(SHORTCUT_ACTIONS) as ShortcutAction[];

/** Action → key specs. An empty list leaves the action unbound. */
export type ShortcutMap = Record<ShortcutAction, string[]>;

/** The default keys. Kept in sync with resources/shortcuts/default.json by a test. */
export const DEFAULT_SHORTCUTS: ShortcutMap = {
  wlPreset1: ['1'],
  wlPreset2: ['2'],
  wlPreset3: ['3'],
  wlPreset4: ['4'],
  wlPreset5: ['5'],
  wlPreset6: ['6'],
  wlPreset7: ['7'],
  wlPreset8: ['8'],
  wlPreset9: ['9'],
  wlDefault: ['0'],
  nextSlice: ['ArrowDown', 'ArrowRight'],
  prevSlice: ['ArrowUp', 'ArrowLeft'],
  pageDown: ['PageDown'],
  pageUp: ['PageUp'],
  firstSlice: ['Home'],
  lastSlice: ['End'],
  cine: ['Space'],
  nextSeries: ['N'],
  prevSeries: ['Shift+N'],
  reset: ['R'],
  invert: ['I'],
  flipH: ['H'],
  flipV: ['V'],
  rotateRight: ['Period'],
  rotateLeft: ['Comma'],
  toggleOverlays: ['O'],
  toolWindowLevel: ['W'],
  toolZoom: ['Z'],
  toolPan: ['P'],
  toolLength: ['L'],
  toolAngle: ['A'],
  toolEllipseRoi: ['E'],
  toolRectangleRoi: ['T'],
  toolProbe: ['B'],
  toolCrosshairs: ['C'],
  layout1x1: ['Alt+1'],
  layout1x2: ['Alt+2'],
  layout2x2: ['Alt+3'],
  layoutMpr: ['Alt+4'],
  deleteAnnotation: ['Delete', 'Backspace'],
  undo: ['Ctrl+Z', 'Meta+Z'],
  redo: ['Ctrl+Y', 'Ctrl+Shift+Z', 'Shift+Meta+Z'],
  keyImage: ['K'],
  cancel: ['Escape'],
};

/** The W/L preset a wlPresetN action applies; undefined for other actions. */
export function presetForAction(action: ShortcutAction): WlPreset | undefined {
  const m = /^wlPreset([1-9])$/.exec(action);
  return m ? WL_PRESETS[Number(m[1]) - 1] : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Key specs

export interface KeyChord {
  /** Canonical key name: "A", "7", "Space", "ArrowUp", "Period", "F5"… */
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}

const NAMED_KEYS = [
  'Space',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'PageUp',
  'PageDown',
  'Home',
  'End',
  'Escape',
  'Enter',
  'Tab',
  'Backspace',
  'Delete',
  'Insert',
  ...Array.from({ length: 24 }, (_, i) => `F${i + 1}`),
];
/** Punctuation: name ↔ the character event.key gives on a US layout. */
const PUNCTUATION: Record<string, string> = {
  Period: '.',
  Comma: ',',
  Minus: '-',
  Plus: '+',
  Equal: '=',
  Slash: '/',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Backquote: '`',
  BracketLeft: '[',
  BracketRight: ']',
};
const BY_CHAR = new Map(Object.entries(PUNCTUATION).map(([name, ch]) => [ch, name]));
const BY_LOWER_NAME = new Map([...NAMED_KEYS, ...Object.keys(PUNCTUATION)].map((n) => [n.toLowerCase(), n]));
const KEY_ALIASES: Record<string, string> = { esc: 'Escape', del: 'Delete', spacebar: 'Space', return: 'Enter', up: 'ArrowUp', down: 'ArrowDown', left: 'ArrowLeft', right: 'ArrowRight', pgup: 'PageUp', pgdn: 'PageDown' };
const MODIFIERS: Record<string, 'ctrl' | 'alt' | 'shift' | 'meta'> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  alt: 'alt',
  option: 'alt',
  opt: 'alt',
  shift: 'shift',
  meta: 'meta',
  cmd: 'meta',
  command: 'meta',
  win: 'meta',
  super: 'meta',
};

/** The canonical name of a key given as a name, alias or character; undefined when it is no key we know. */
export function canonicalKey(key: string): string | undefined {
  if (key === ' ') return 'Space';
  if (/^[a-z]$/i.test(key)) return key.toUpperCase();
  if (/^[0-9]$/.test(key)) return key;
  const punct = BY_CHAR.get(key);
  if (punct) return punct;
  const lower = key.toLowerCase();
  return BY_LOWER_NAME.get(lower) ?? KEY_ALIASES[lower];
}

export class KeySpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySpecError';
  }
}

/** "Ctrl+Shift+K" → a chord. Throws KeySpecError with a sentence saying what is wrong. */
export function parseKeySpec(spec: string): KeyChord {
  if (spec === ' ') return { key: 'Space', ctrl: false, alt: false, shift: false, meta: false };
  const text = spec.trim();
  if (!text) throw new KeySpecError('A key is empty.');
  // "+" is the separator, so the plus key itself is written "Plus", or as a lone/final "+" ("Ctrl++").
  const parts = text.endsWith('++') ? [...text.slice(0, -2).split('+'), '+'] : text === '+' ? ['+'] : text.split('+');
  const chord: KeyChord = { key: '', ctrl: false, alt: false, shift: false, meta: false };
  parts.forEach((raw, i) => {
    const part = raw.trim();
    const last = i === parts.length - 1;
    if (!part) throw new KeySpecError(`"${spec}" has an empty part.`);
    if (!last) {
      const mod = MODIFIERS[part.toLowerCase()];
      if (!mod) throw new KeySpecError(`"${part}" in "${spec}" is not a modifier (Ctrl, Alt, Shift or Meta).`);
      if (chord[mod]) throw new KeySpecError(`"${spec}" names ${part} twice.`);
      chord[mod] = true;
      return;
    }
    if (MODIFIERS[part.toLowerCase()]) throw new KeySpecError(`"${spec}" has modifiers but no key.`);
    const key = canonicalKey(part);
    if (!key) throw new KeySpecError(`"${part}" in "${spec}" is not a key name.`);
    chord.key = key;
  });
  return chord;
}

/** A chord → its canonical spec: modifiers in the order Ctrl, Alt, Shift, Meta, then the key ("Ctrl+Shift+K"). */
export function formatKeySpec(chord: KeyChord): string {
  return [chord.ctrl && 'Ctrl', chord.alt && 'Alt', chord.shift && 'Shift', chord.meta && 'Meta', chord.key].filter(Boolean).join('+');
}

/** The canonical form of a spec, e.g. "shift+ctrl+k" → "Ctrl+Shift+K". */
export function normalizeKeySpec(spec: string): string {
  return formatKeySpec(parseKeySpec(spec));
}

// ---------------------------------------------------------------------------------------------------------
// Matching

/** The parts of a KeyboardEvent matching needs. `code` (the physical key) helps where `key` is layout-dependent. */
export interface KeyEventLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

function keyFromCode(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(code);
  if (m) return m[1] ?? m[2];
  return BY_LOWER_NAME.get(code.toLowerCase());
}

const isSymbol = (key: string) => key in PUNCTUATION;

function chordMatches(chord: KeyChord, e: KeyEventLike, key: string | undefined): boolean {
  if (!key || chord.key !== key) return false;
  if (chord.ctrl !== e.ctrlKey || chord.alt !== e.altKey || chord.meta !== e.metaKey) return false;
  // A symbol typed with Shift (like "+" on a US keyboard) still matches a binding that does not name Shift.
  return chord.shift === e.shiftKey || (isSymbol(chord.key) && !chord.shift);
}

/** A map compiled for matching; build it once per map with compileShortcuts. */
export interface CompiledShortcuts {
  bindings: { chord: KeyChord; action: ShortcutAction }[];
}

/** Parses every spec of a map (invalid specs are skipped: validateShortcutMap reports them). */
export function compileShortcuts(map: Partial<ShortcutMap>): CompiledShortcuts {
  const bindings: CompiledShortcuts['bindings'] = [];
  for (const action of SHORTCUT_ACTION_IDS) {
    for (const spec of map[action] ?? []) {
      try {
        bindings.push({ chord: parseKeySpec(spec), action });
      } catch {
        // reported by validateShortcutMap
      }
    }
  }
  return { bindings };
}

/**
 * The action a key event triggers, or undefined. Matches event.key first (so letters follow the user's layout),
 * then event.code (so Shift+1 and Alt+1 still mean "1" where the layout types "!" or "¡").
 */
export function matchShortcut(event: KeyEventLike, shortcuts: CompiledShortcuts | Partial<ShortcutMap>): ShortcutAction | undefined {
  const compiled = 'bindings' in shortcuts && Array.isArray(shortcuts.bindings) ? (shortcuts as CompiledShortcuts) : compileShortcuts(shortcuts as Partial<ShortcutMap>);
  const byKey = canonicalKey(event.key);
  const hit = compiled.bindings.find((b) => chordMatches(b.chord, event, byKey));
  if (hit) return hit.action;
  const byCode = keyFromCode(event.code);
  if (byCode && byCode !== byKey) return compiled.bindings.find((b) => chordMatches(b.chord, event, byCode))?.action;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Validation and merging

/** Every problem of a map, as sentences: invalid specs, one key on two actions, unknown actions. */
export function validateShortcutMap(map: Partial<Record<string, string[]>>): string[] {
  const errors: string[] = [];
  const owner = new Map<string, string>();
  for (const [action, specs] of Object.entries(map)) {
    if (!(action in SHORTCUT_ACTIONS)) {
      errors.push(`"${action}" is not a viewer action.`);
      continue;
    }
    for (const spec of specs ?? []) {
      let canonical: string;
      try {
        canonical = normalizeKeySpec(spec);
      } catch (e) {
        errors.push(`${action}: ${(e as Error).message}`);
        continue;
      }
      const other = owner.get(canonical);
      if (other === action) errors.push(`${canonical} is listed twice for ${action}.`);
      else if (other) errors.push(`${canonical} is bound to both ${other} and ${action}.`);
      else owner.set(canonical, action);
    }
  }
  return errors;
}

/** The file format of resources/shortcuts/default.json and of the user's shortcuts file. */
export const shortcutFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    bindings: z.record(z.string(), z.array(z.string())),
  })
  .strict();
export type ShortcutFile = z.infer<typeof shortcutFileSchema>;

export interface MergedShortcuts {
  map: ShortcutMap;
  /** Problems in the user's file (their bindings are ignored); the defaults still apply. */
  errors: string[];
  /** Keys the user took from a default action, which therefore lost them (for the settings screen). */
  notes: string[];
}

/**
 * The user's overrides over the defaults: an action the user lists gets exactly the user's keys (an empty list
 * unbinds it). A key the user gives to one action is taken away from the default action that had it (with a
 * note); two of the user's own actions on one key, unknown actions and invalid specs are errors, and those
 * bindings are left out.
 */
export function mergeShortcuts(overrides: unknown, defaults: ShortcutMap = DEFAULT_SHORTCUTS): MergedShortcuts {
  const errors: string[] = [];
  const notes: string[] = [];
  const map: ShortcutMap = Object.fromEntries(SHORTCUT_ACTION_IDS.map((a) => [a, [...defaults[a]]])) as ShortcutMap;
  if (overrides === undefined || overrides === null) return { map, errors, notes };
  const file = shortcutFileSchema.safeParse(overrides);
  if (!file.success) {
    const issues = file.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    return { map, errors: [`The shortcuts file is not valid (${issues}); the default keys apply.`], notes };
  }
  const user: Partial<Record<ShortcutAction, string[]>> = {};
  const owner = new Map<string, ShortcutAction>();
  for (const [action, specs] of Object.entries(file.data.bindings)) {
    if (!(action in SHORTCUT_ACTIONS)) {
      errors.push(`"${action}" is not a viewer action.`);
      continue;
    }
    const a = action as ShortcutAction;
    const kept: string[] = [];
    for (const spec of specs) {
      let canonical: string;
      try {
        canonical = normalizeKeySpec(spec);
      } catch (e) {
        errors.push(`${a}: ${(e as Error).message}`);
        continue;
      }
      const other = owner.get(canonical);
      if (other && other !== a) {
        errors.push(`${canonical} is bound to both ${other} and ${a}; ${a} does not get it.`);
        continue;
      }
      if (other === a) continue;
      owner.set(canonical, a);
      kept.push(canonical);
    }
    user[a] = kept;
  }
  for (const [a, keys] of Object.entries(user) as [ShortcutAction, string[]][]) map[a] = keys;
  for (const [canonical, a] of owner) {
    for (const d of SHORTCUT_ACTION_IDS) {
      if (d === a || user[d]) continue;
      const before = map[d];
      const after = before.filter((s) => normalizeKeySpec(s) !== canonical);
      if (after.length !== before.length) {
        map[d] = after;
        notes.push(`${canonical} now triggers ${a}, so ${d} no longer has it.`);
      }
    }
  }
  return { map, errors, notes };
}
