/**
 * The Keys panel's model: a draft of the whole keyboard map being edited, what it changes against the defaults
 * (the overrides saved in settings), its conflicts, and turning a key press into a key spec. Pure.
 */
import {
  canonicalKey,
  formatKeySpec,
  normalizeKeySpec,
  SHORTCUT_ACTION_IDS,
  SHORTCUT_ACTIONS,
  type KeyEventLike,
  type ShortcutAction,
  type ShortcutMap,
} from '../../../../common/viewer/shortcuts';

/** What shortcuts.set takes: for each changed action its keys, or null when it has none. */
export type ShortcutOverrides = Partial<Record<ShortcutAction, string[] | null>>;

export interface KeyConflict {
  /** Canonical key spec, e.g. "Shift+L". */
  key: string;
  /** The actions that would share it, in map order. */
  actions: [ShortcutAction, ShortcutAction];
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'Fn', 'OS', 'Hyper', 'Super']);

/**
 * The key spec of a key press, or undefined while only modifiers are held (or for a key the map cannot name).
 * Letters follow the layout (event.key); where the layout types a character we have no name for ("!" for Shift+1,
 * "?" for Shift+/), the physical key (event.code) names it.
 */
export function keySpecFromEvent(e: KeyEventLike): string | undefined {
  if (MODIFIER_KEYS.has(e.key)) return undefined;
  let key = canonicalKey(e.key);
  if (!key && e.code) {
    const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(e.code);
    key = m ? (m[1] ?? m[2]) : canonicalKey(e.code);
  }
  if (!key) return undefined;
  return formatKeySpec({ key, ctrl: e.ctrlKey, alt: e.altKey, shift: e.shiftKey, meta: e.metaKey });
}

const canonical = (spec: string): string | undefined => {
  try {
    return normalizeKeySpec(spec);
  } catch {
    return undefined;
  }
};

const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => canonical(s) === canonical(b[i]!));

/** The actions whose keys differ from the defaults, as shortcuts.set takes them. */
export function overridesFromDraft(draft: ShortcutMap, defaults: ShortcutMap): ShortcutOverrides {
  const out: ShortcutOverrides = {};
  for (const a of SHORTCUT_ACTION_IDS) {
    if (!sameKeys(draft[a], defaults[a])) out[a] = draft[a].length === 0 ? null : [...draft[a]];
  }
  return out;
}

/** Whether an action's keys differ from its defaults. */
export const isChanged = (draft: ShortcutMap, defaults: ShortcutMap, a: ShortcutAction) => !sameKeys(draft[a], defaults[a]);

/** Keys that two actions of the draft share (each pair once). */
export function draftConflicts(draft: ShortcutMap): KeyConflict[] {
  const owner = new Map<string, ShortcutAction>();
  const out: KeyConflict[] = [];
  for (const a of SHORTCUT_ACTION_IDS) {
    for (const spec of draft[a]) {
      const key = canonical(spec);
      if (!key) continue;
      const other = owner.get(key);
      if (other && other !== a) out.push({ key, actions: [other, a] });
      else owner.set(key, a);
    }
  }
  return out;
}

/** "Shift+L is bound to both "Tool: length" and "Window/level preset 2 (Lung W1500/L−600)"." */
export function conflictMessage(c: KeyConflict): string {
  return `${c.key} is bound to both "${SHORTCUT_ACTIONS[c.actions[0]]}" and "${SHORTCUT_ACTIONS[c.actions[1]]}". Give one of them another key.`;
}

/** The draft with `action` bound to exactly `spec` (Change), to nothing (Clear), or to its default keys (Reset). */
export function withKeys(draft: ShortcutMap, action: ShortcutAction, keys: readonly string[]): ShortcutMap {
  return { ...draft, [action]: [...keys] };
}

/** A key spec as a person reads it: "." for Period, "," for Comma; names otherwise ("Shift+L", "ArrowDown"). */
export function displayKey(spec: string): string {
  return spec.replace(/(^|\+)Period$/, '$1.').replace(/(^|\+)Comma$/, '$1,');
}
