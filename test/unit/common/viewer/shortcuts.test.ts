/**
 * The viewer's keyboard map: key specs round-trip (fast-check), events match by key and by code, conflicts name
 * both actions, user overrides merge over the defaults, and resources/shortcuts/default.json is the defaults.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileShortcuts,
  DEFAULT_SHORTCUTS,
  formatKeySpec,
  type KeyChord,
  type KeyEventLike,
  KeySpecError,
  matchShortcut,
  mergeShortcuts,
  normalizeKeySpec,
  parseKeySpec,
  presetForAction,
  SHORTCUT_ACTION_IDS,
  shortcutFileSchema,
  validateShortcutMap,
  WL_PRESETS,
} from '../../../../common/viewer/shortcuts';
import { repoRoot } from '../../../support/data';

const ev = (key: string, mods: Partial<KeyEventLike> = {}): KeyEventLike => ({ key, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });
const compiled = compileShortcuts(DEFAULT_SHORTCUTS);

describe('key specs', () => {
  it('parses modifiers in any order and case, with aliases', () => {
    expect(parseKeySpec('Ctrl+Shift+K')).toEqual({ key: 'K', ctrl: true, alt: false, shift: true, meta: false });
    expect(normalizeKeySpec('shift+control+k')).toBe('Ctrl+Shift+K');
    expect(normalizeKeySpec('cmd+option+.')).toBe('Alt+Meta+Period');
    expect(normalizeKeySpec('esc')).toBe('Escape');
    expect(normalizeKeySpec(' ')).toBe('Space');
    expect(normalizeKeySpec('Ctrl++')).toBe('Ctrl+Plus');
    expect(normalizeKeySpec('+')).toBe('Plus');
    expect(normalizeKeySpec('f12')).toBe('F12');
    expect(normalizeKeySpec('pagedown')).toBe('PageDown');
  });

  it('says what is wrong', () => {
    expect(() => parseKeySpec('')).toThrow(new KeySpecError('A key is empty.'));
    expect(() => parseKeySpec('Hyper+K')).toThrow('"Hyper" in "Hyper+K" is not a modifier (Ctrl, Alt, Shift or Meta).');
    expect(() => parseKeySpec('Ctrl+Shift')).toThrow('"Ctrl+Shift" has modifiers but no key.');
    expect(() => parseKeySpec('Ctrl+Ctrl+K')).toThrow('"Ctrl+Ctrl+K" names Ctrl twice.');
    expect(() => parseKeySpec('Ctrl+Banana')).toThrow('"Banana" in "Ctrl+Banana" is not a key name.');
    expect(() => parseKeySpec('Ctrl++K')).toThrow(KeySpecError);
  });

  const keys = fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''),
    'Space', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End', 'Escape', 'Enter', 'Tab',
    'Backspace', 'Delete', 'Insert', 'F1', 'F12', 'F24', 'Period', 'Comma', 'Minus', 'Plus', 'Equal', 'Slash', 'Backslash',
    'Semicolon', 'Quote', 'Backquote', 'BracketLeft', 'BracketRight',
  );
  const chord = fc.record({ key: keys, ctrl: fc.boolean(), alt: fc.boolean(), shift: fc.boolean(), meta: fc.boolean() });

  it('parse(format(x)) = x for every chord', () => {
    fc.assert(fc.property(chord, (c: KeyChord) => {
        expect(parseKeySpec(formatKeySpec(c))).toEqual(c);
      }), { numRuns: 1000 });
  });

  it('format(parse(s)) is stable under case, spacing and modifier order', () => {
    fc.assert(
      fc.property(chord, fc.boolean(), fc.boolean(), (c, lower, reverse) => {
        const mods = [c.ctrl && 'Ctrl', c.alt && 'Alt', c.shift && 'Shift', c.meta && 'Meta'].filter((m): m is string => !!m);
        if (reverse) mods.reverse();
        let spec = [...mods, c.key].join(' + ');
        if (lower) spec = spec.toLowerCase();
        expect(normalizeKeySpec(spec)).toBe(formatKeySpec(c));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but KeySpecError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseKeySpec(s);
        } catch (e) {
          expect(e).toBeInstanceOf(KeySpecError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('matchShortcut with the defaults', () => {
  it('digits are the W/L presets, 0 the image default', () => {
    expect(matchShortcut(ev('1'), compiled)).toBe('wlPreset1');
    expect(presetForAction('wlPreset1')).toEqual({ id: 'brain', name: 'Brain', window: 80, level: 40, modality: 'CT' });
    expect(presetForAction('wlPreset2')).toMatchObject({ window: 1500, level: -600 });
    expect(presetForAction('wlPreset3')).toMatchObject({ window: 2500, level: 480 });
    expect(presetForAction('wlPreset4')).toMatchObject({ window: 400, level: 50 });
    expect(presetForAction('wlPreset5')).toMatchObject({ window: 350, level: 50 });
    expect(presetForAction('reset')).toBeUndefined();
    expect(matchShortcut(ev('0'), compiled)).toBe('wlDefault');
    expect(WL_PRESETS).toHaveLength(9);
  });

  it('navigation, cine, view and tool keys', () => {
    expect(matchShortcut(ev('ArrowDown'), compiled)).toBe('nextSlice');
    expect(matchShortcut(ev('ArrowRight'), compiled)).toBe('nextSlice');
    expect(matchShortcut(ev('ArrowUp'), compiled)).toBe('prevSlice');
    expect(matchShortcut(ev('PageDown'), compiled)).toBe('pageDown');
    expect(matchShortcut(ev(' '), compiled)).toBe('cine');
    expect(matchShortcut(ev('r'), compiled)).toBe('reset');
    expect(matchShortcut(ev('i'), compiled)).toBe('invert');
    expect(matchShortcut(ev('.'), compiled)).toBe('rotateRight');
    expect(matchShortcut(ev(','), compiled)).toBe('rotateLeft');
    expect(matchShortcut(ev('w'), compiled)).toBe('toolWindowLevel');
    expect(matchShortcut(ev('c'), compiled)).toBe('toolCrosshairs');
    expect(matchShortcut(ev('Escape'), compiled)).toBe('cancel');
  });

  it('modifiers must match exactly; Shift+letter is another chord', () => {
    expect(matchShortcut(ev('N', { shiftKey: true }), compiled)).toBe('prevSeries');
    expect(matchShortcut(ev('n'), compiled)).toBe('nextSeries');
    expect(matchShortcut(ev('z', { ctrlKey: true }), compiled)).toBe('undo');
    expect(matchShortcut(ev('z'), compiled)).toBe('toolZoom');
    expect(matchShortcut(ev('Z', { ctrlKey: true, shiftKey: true }), compiled)).toBe('redo');
    expect(matchShortcut(ev('r', { ctrlKey: true }), compiled)).toBeUndefined();
    expect(matchShortcut(ev('q'), compiled)).toBeUndefined();
  });

  it('falls back to the physical key where the layout types something else (Alt+1 on a Mac, Shift+digit)', () => {
    expect(matchShortcut(ev('¡', { altKey: true, code: 'Digit1' }), compiled)).toBe('layout1x1');
    expect(matchShortcut(ev('1', { altKey: true, code: 'Digit1' }), compiled)).toBe('layout1x1');
    const custom = compileShortcuts({ layoutMpr: ['Shift+4'] });
    expect(matchShortcut(ev('$', { shiftKey: true, code: 'Digit4' }), custom)).toBe('layoutMpr');
    // On an AZERTY keyboard the A key is KeyQ: the key wins, so "a" is still the angle tool.
    expect(matchShortcut(ev('a', { code: 'KeyQ' }), compiled)).toBe('toolAngle');
  });

  it('a symbol typed with Shift matches a binding without Shift', () => {
    expect(matchShortcut(ev('+', { shiftKey: true, code: 'Equal' }), { cine: ['Plus'] })).toBe('cine');
  });

  it('accepts an uncompiled map too', () => {
    expect(matchShortcut(ev('k', { ctrlKey: true, shiftKey: true }), { invert: ['Ctrl+Shift+K'] })).toBe('invert');
  });
});

describe('validation and merging', () => {
  it('the defaults have no conflicts and bind every action', () => {
    expect(validateShortcutMap(DEFAULT_SHORTCUTS)).toEqual([]);
    for (const a of SHORTCUT_ACTION_IDS) {
      expect(DEFAULT_SHORTCUTS[a].length).toBeGreaterThan(0);
      for (const spec of DEFAULT_SHORTCUTS[a]) expect(normalizeKeySpec(spec)).toBe(spec);
    }
  });

  it('conflicts name both actions; bad specs and unknown actions are reported', () => {
    expect(validateShortcutMap({ reset: ['R'], invert: ['r', 'I'], flipH: ['Ctrl+Hyper'], retrieve: ['X'], flipV: ['V', 'v'] })).toEqual([
      'R is bound to both reset and invert.',
      'flipH: "Hyper" in "Ctrl+Hyper" is not a key name.',
      '"retrieve" is not a viewer action.',
      'V is listed twice for flipV.',
    ]);
  });

  it('user overrides replace an action\'s keys and take the key from the default owner', () => {
    const { map, errors, notes } = mergeShortcuts({ version: 1, bindings: { toolEllipseRoi: ['O'], cine: [] } });
    expect(errors).toEqual([]);
    expect(map.toolEllipseRoi).toEqual(['O']);
    expect(map.toggleOverlays).toEqual([]);
    expect(map.cine).toEqual([]);
    expect(map.reset).toEqual(['R']);
    expect(notes).toEqual(['O now triggers toolEllipseRoi, so toggleOverlays no longer has it.']);
    expect(validateShortcutMap(map)).toEqual([]);
    expect(matchShortcut(ev('o'), compileShortcuts(map))).toBe('toolEllipseRoi');
  });

  it('conflicts within the user file are errors; the first claim wins', () => {
    const { map, errors } = mergeShortcuts({ version: 1, bindings: { reset: ['X'], invert: ['x'], bogus: ['Y'], flipH: ['Ctrl+'] } });
    expect(errors).toEqual([
      'X is bound to both reset and invert; invert does not get it.',
      '"bogus" is not a viewer action.',
      'flipH: "Ctrl+" has an empty part.',
    ]);
    expect(map.reset).toEqual(['X']);
    expect(map.invert).toEqual([]);
    expect(validateShortcutMap(map)).toEqual([]);
  });

  it('a malformed file leaves the defaults, with one error; none at all is fine', () => {
    expect(mergeShortcuts({ bindings: 3 })).toMatchObject({ map: DEFAULT_SHORTCUTS, errors: [expect.stringMatching(/^The shortcuts file is not valid \(.*\); the default keys apply\.$/)] });
    expect(mergeShortcuts(undefined)).toEqual({ map: DEFAULT_SHORTCUTS, errors: [], notes: [] });
  });

  it('any merge of valid overrides is conflict-free', () => {
    const spec = fc.constantFrom('A', 'B', 'R', 'O', '1', 'Ctrl+Z', 'Space', 'Shift+N', 'Alt+1', 'Period', 'F5');
    const overrides = fc.dictionary(fc.constantFrom(...SHORTCUT_ACTION_IDS), fc.array(spec, { maxLength: 3 }));
    fc.assert(
      fc.property(overrides, (bindings) => {
        const { map } = mergeShortcuts({ version: 1, bindings });
        expect(validateShortcutMap(map)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('resources/shortcuts/default.json', () => {
  it('is a valid shortcuts file equal to DEFAULT_SHORTCUTS', () => {
    const file = shortcutFileSchema.parse(JSON.parse(readFileSync(path.join(repoRoot, 'resources/shortcuts/default.json'), 'utf8')));
    expect(file.bindings).toEqual(DEFAULT_SHORTCUTS);
    expect(mergeShortcuts(file)).toEqual({ map: DEFAULT_SHORTCUTS, errors: [], notes: [] });
  });
});
