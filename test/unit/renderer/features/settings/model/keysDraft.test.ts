/**
 * The Keys panel's pure model (draft, overrides, conflicts, key capture) and the stack viewport's keymap with a
 * reader's map instead of the defaults.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHORTCUTS, SHORTCUT_ACTION_IDS, type ShortcutMap } from '../../../../../../common/viewer/shortcuts';
import { conflictMessage, displayKey, draftConflicts, isChanged, keySpecFromEvent, overridesFromDraft, withKeys } from '../../../../../../renderer/features/settings/model/keysDraft';
import { keyFor, stackKeyAction } from '../../../../../../renderer/imaging/stack/keymap';

const press = (key: string, code?: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
  key,
  code,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('keySpecFromEvent', () => {
  it('names letters, digits, named keys and punctuation with their modifiers', () => {
    expect(keySpecFromEvent(press('L', 'KeyL', { shiftKey: true }))).toBe('Shift+L');
    expect(keySpecFromEvent(press('l', 'KeyL'))).toBe('L');
    expect(keySpecFromEvent(press('k', 'KeyK', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+K');
    expect(keySpecFromEvent(press('2', 'Digit2'))).toBe('2');
    expect(keySpecFromEvent(press('PageDown', 'PageDown'))).toBe('PageDown');
    expect(keySpecFromEvent(press(' ', 'Space'))).toBe('Space');
    expect(keySpecFromEvent(press('.', 'Period'))).toBe('Period');
    expect(keySpecFromEvent(press('F5', 'F5', { altKey: true }))).toBe('Alt+F5');
  });

  it('falls back to the physical key where the layout types a character without a name', () => {
    expect(keySpecFromEvent(press('!', 'Digit1', { shiftKey: true }))).toBe('Shift+1');
    expect(keySpecFromEvent(press('?', 'Slash', { shiftKey: true }))).toBe('Shift+Slash');
    expect(keySpecFromEvent(press('¡', 'Digit1', { altKey: true }))).toBe('Alt+1');
  });

  it('waits while only modifiers are held, and ignores keys it cannot name', () => {
    for (const k of ['Shift', 'Control', 'Alt', 'Meta', 'CapsLock']) expect(keySpecFromEvent(press(k, `${k}Left`, { shiftKey: k === 'Shift' }))).toBeUndefined();
    expect(keySpecFromEvent(press('Dead', 'IntlRo'))).toBeUndefined();
  });
});

describe('the draft', () => {
  const lungOnShiftL = withKeys(DEFAULT_SHORTCUTS, 'wlPreset2', ['Shift+L']);

  it('overrides are only the changed actions; an emptied action is null', () => {
    expect(overridesFromDraft(DEFAULT_SHORTCUTS, DEFAULT_SHORTCUTS)).toEqual({});
    expect(overridesFromDraft(lungOnShiftL, DEFAULT_SHORTCUTS)).toEqual({ wlPreset2: ['Shift+L'] });
    expect(overridesFromDraft(withKeys(lungOnShiftL, 'toolCrosshairs', []), DEFAULT_SHORTCUTS)).toEqual({ wlPreset2: ['Shift+L'], toolCrosshairs: null });
    // Same keys written differently are no change; reset restores the defaults.
    expect(overridesFromDraft(withKeys(DEFAULT_SHORTCUTS, 'undo', ['ctrl+z', 'cmd+z']), DEFAULT_SHORTCUTS)).toEqual({});
    expect(overridesFromDraft(withKeys(lungOnShiftL, 'wlPreset2', DEFAULT_SHORTCUTS.wlPreset2), DEFAULT_SHORTCUTS)).toEqual({});
    expect(isChanged(lungOnShiftL, DEFAULT_SHORTCUTS, 'wlPreset2')).toBe(true);
    expect(isChanged(lungOnShiftL, DEFAULT_SHORTCUTS, 'wlPreset1')).toBe(false);
    // withKeys does not touch the map it was given.
    expect(DEFAULT_SHORTCUTS.wlPreset2).toEqual(['2']);
  });

  it('lists conflicts naming both actions', () => {
    expect(draftConflicts(DEFAULT_SHORTCUTS)).toEqual([]);
    expect(draftConflicts(lungOnShiftL)).toEqual([]);
    const clash = withKeys(DEFAULT_SHORTCUTS, 'wlPreset2', ['l']);
    expect(draftConflicts(clash)).toEqual([{ key: 'L', actions: ['wlPreset2', 'toolLength'] }]);
    expect(conflictMessage(draftConflicts(clash)[0]!)).toBe('L is bound to both "Window/level preset 2 (Lung W1500/L−600)" and "Tool: length". Give one of them another key.');
    expect(draftConflicts(withKeys(clash, 'toolLength', ['Shift+M']))).toEqual([]);
  });

  it('every action is listed and can be emptied without conflicts', () => {
    const empty = Object.fromEntries(SHORTCUT_ACTION_IDS.map((a) => [a, []])) as unknown as ShortcutMap;
    expect(draftConflicts(empty)).toEqual([]);
    expect(Object.keys(overridesFromDraft(empty, DEFAULT_SHORTCUTS)).sort()).toEqual([...SHORTCUT_ACTION_IDS].sort());
  });

  it('shows punctuation as characters', () => {
    expect(displayKey('Period')).toBe('.');
    expect(displayKey('Ctrl+Comma')).toBe('Ctrl+,');
    expect(displayKey('Shift+L')).toBe('Shift+L');
  });
});

describe('stack keys with the reader map', () => {
  const map = withKeys(withKeys(DEFAULT_SHORTCUTS, 'wlPreset2', ['Shift+L']), 'reset', ['Ctrl+Shift+R']);

  it('the rebound key does the action and the old key nothing', () => {
    expect(stackKeyAction(press('L', 'KeyL', { shiftKey: true }), map)).toMatchObject({ kind: 'preset', preset: { id: 'lung' } });
    expect(stackKeyAction(press('2', 'Digit2'), map)).toBeUndefined();
    expect(stackKeyAction(press('l', 'KeyL'), map)).toEqual({ kind: 'tool', tool: 'Length' });
    expect(stackKeyAction(press('r', 'KeyR'), map)).toBeUndefined();
    expect(stackKeyAction(press('R', 'KeyR', { ctrlKey: true, shiftKey: true }), map)).toEqual({ kind: 'reset' });
    // Without a map: the defaults.
    expect(stackKeyAction(press('2', 'Digit2'))).toMatchObject({ kind: 'preset', preset: { id: 'lung' } });
    expect(keyFor('wlPreset2', map)).toBe('Shift+L');
  });

  it('a map is compiled once and reused; a new map takes effect at once', () => {
    expect(stackKeyAction(press('L', 'KeyL', { shiftKey: true }), map)).toBeDefined();
    const next = withKeys(map, 'wlPreset2', ['Shift+K']);
    expect(stackKeyAction(press('L', 'KeyL', { shiftKey: true }), next)).toBeUndefined();
    expect(stackKeyAction(press('K', 'KeyK', { shiftKey: true }), next)).toMatchObject({ kind: 'preset', preset: { id: 'lung' } });
  });
});
