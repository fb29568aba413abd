/**
 * User-editable viewer keys on the services side: the `shortcuts` field of the settings (optional, so older
 * settings files load), and the shortcuts.get / shortcuts.set handlers that merge it over the defaults and refuse
 * invalid or conflicting maps.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../../../common/ipc/contract';
import { dispatch } from '../../../../../common/ipc/dispatch';
import { DokueiError, ErrorCode } from '../../../../../common/ipc/errors';
import { DEFAULT_SHORTCUTS, matchShortcut } from '../../../../../common/viewer/shortcuts';
import { createHandlers, shortcutOverrideProblems, shortcutsState, type HandlerDeps } from '../../../../../electron/services/app/handlers';
import { ConfSettingsStore, MemorySettingsStore, parseSettings, SETTINGS_MIGRATIONS, SETTINGS_VERSION, type SettingsStore } from '../../../../../electron/services/settings/settings';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const ctx: CallContext = { windowId: 'w1', emit: () => {} };
const handlersWith = (settings?: SettingsStore) => createHandlers({ settings } as unknown as HandlerDeps);
const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('settings.shortcuts', () => {
  it('is optional: settings without it (older files) load and mean the default keys', () => {
    const s = parseSettings({ nodes: [], seedDemo: false }, 'old.json');
    expect(s.shortcuts).toBeUndefined();
    expect(shortcutsState(s.shortcuts)).toEqual({ map: DEFAULT_SHORTCUTS, defaults: DEFAULT_SHORTCUTS, errors: [], notes: [] });
  });

  it('takes one key, several, or null (unbound) per action', () => {
    const s = parseSettings({ shortcuts: { wlPreset2: 'Shift+L', toolLength: null, nextSlice: ['ArrowDown', 'J'] } }, 'x');
    expect(s.shortcuts).toEqual({ wlPreset2: 'Shift+L', toolLength: null, nextSlice: ['ArrowDown', 'J'] });
  });

  it('refuses a malformed shape with the path of the bad entry', () => {
    expect(() => parseSettings({ shortcuts: { wlPreset2: 5 } }, 'bad.json')).toThrow(/bad\.json.*shortcuts\.wlPreset2/);
    expect(() => parseSettings({ shortcuts: ['1'] }, 'bad.json')).toThrow(/shortcuts/);
    expect(() => parseSettings({ shortcuts: { wlPreset2: '' } }, 'bad.json')).toThrow(/shortcuts\.wlPreset2/);
  });

  it('loads a hand-edited file with an unknown action or a bad key; shortcuts.get reports and ignores those', async () => {
    const store = new MemorySettingsStore({ shortcuts: { wlPreset2: 'Shift+L', zoomToFit: 'F', invert: 'Hyper+I' } });
    const state = await handlersWith(store).shortcuts.get({}, ctx);
    expect(state.map.wlPreset2).toEqual(['Shift+L']);
    // The bad key is left out; the action keeps only the user's valid keys (here none).
    expect(state.map.invert).toEqual([]);
    expect(state.map.reset).toEqual(DEFAULT_SHORTCUTS.reset);
    expect(state.errors).toHaveLength(2);
    expect(state.errors.join(' ')).toMatch(/zoomToFit/);
    expect(state.errors.join(' ')).toMatch(/Hyper/);
  });

  it('a key taken from a default action in a hand-edited file is noted and removed there', async () => {
    const state = await handlersWith(new MemorySettingsStore({ shortcuts: { wlPreset2: 'L' } })).shortcuts.get({}, ctx);
    expect(state.map.wlPreset2).toEqual(['L']);
    expect(state.map.toolLength).toEqual([]);
    expect(state.notes).toEqual(['L now triggers wlPreset2, so toolLength no longer has it.']);
  });
});

describe('shortcuts.get / shortcuts.set', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('dokuei-shortcuts-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('without saved overrides, get answers the defaults (also in a host without settings)', async () => {
    expect(await handlersWith(new MemorySettingsStore({})).shortcuts.get({}, ctx)).toEqual({ map: DEFAULT_SHORTCUTS, defaults: DEFAULT_SHORTCUTS, errors: [], notes: [] });
    expect((await handlersWith(undefined).shortcuts.get({}, ctx)).map).toEqual(DEFAULT_SHORTCUTS);
  });

  it('set saves canonical overrides in settings.json next to the other settings, and they apply after a restart', async () => {
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ nodes: [], seedDemo: false, archive: { quotaGb: 5 } }));
    const first = new ConfSettingsStore(dir);
    const state = await handlersWith(first).shortcuts.set({ overrides: { wlPreset2: 'shift+l', toolCrosshairs: null, nextSlice: ['ArrowDown', 'j'] } }, ctx);
    expect(state.map.wlPreset2).toEqual(['Shift+L']);
    expect(state.map.toolCrosshairs).toEqual([]);
    expect(state.map.nextSlice).toEqual(['ArrowDown', 'J']);
    expect(state.errors).toEqual([]);
    expect(state.notes).toEqual([]);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(saved.shortcuts).toEqual({ wlPreset2: 'Shift+L', toolCrosshairs: null, nextSlice: ['ArrowDown', 'J'] });
    expect(saved.archive).toEqual({ quotaGb: 5 });

    const restarted = await handlersWith(new ConfSettingsStore(dir)).shortcuts.get({}, ctx);
    expect(restarted.map).toEqual(state.map);
    // Shift+L is the lung preset now; 2 is nothing; L is still the length tool.
    expect(matchShortcut(key('L', { shiftKey: true }), restarted.map)).toBe('wlPreset2');
    expect(matchShortcut(key('2'), restarted.map)).toBeUndefined();
    expect(matchShortcut(key('l'), restarted.map)).toBe('toolLength');
  });

  it('set with no overrides removes the field (back to the defaults)', async () => {
    const store = new MemorySettingsStore({ shortcuts: { wlPreset2: 'Shift+L' } });
    const state = await handlersWith(store).shortcuts.set({ overrides: {} }, ctx);
    expect(state.map).toEqual(DEFAULT_SHORTCUTS);
    expect(store.get().shortcuts).toBeUndefined();
  });

  it('refuses a key that would trigger two actions, naming both, and saves nothing', async () => {
    const store = new MemorySettingsStore({ shortcuts: { invert: 'Shift+I' } });
    const h = handlersWith(store);
    const attempt = h.shortcuts.set({ overrides: { wlPreset2: 'L' } }, ctx);
    await expect(attempt).rejects.toBeInstanceOf(DokueiError);
    await expect(attempt).rejects.toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringMatching(/L would trigger both "Window\/level preset 2.*\(wlPreset2\) and "Tool: length" \(toolLength\)/) });
    // Two overrides on one key, in either order of the contract.
    await expect(h.shortcuts.set({ overrides: { reset: 'Shift+K', invert: 'shift+k' } }, ctx)).rejects.toMatchObject({ message: expect.stringMatching(/Shift\+K would trigger both .*\(reset\) and .*\(invert\)/) });
    expect(store.get().shortcuts).toEqual({ invert: 'Shift+I' });
    // Moving L to the preset is fine once the length tool has another key.
    const ok = await h.shortcuts.set({ overrides: { wlPreset2: 'L', toolLength: 'Shift+M' } }, ctx);
    expect(ok.map.wlPreset2).toEqual(['L']);
    expect(ok.map.toolLength).toEqual(['Shift+M']);
  });

  it('refuses invalid keys and a key given twice, with the action named', async () => {
    const h = handlersWith(new MemorySettingsStore({}));
    await expect(h.shortcuts.set({ overrides: { invert: 'Hyper+I' } }, ctx)).rejects.toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringMatching(/\(invert\).*"Hyper" in "Hyper\+I" is not a modifier/) });
    await expect(h.shortcuts.set({ overrides: { invert: ['J', 'j'] } }, ctx)).rejects.toMatchObject({ message: expect.stringMatching(/J is given twice to .*\(invert\)/) });
    expect(shortcutOverrideProblems({})).toEqual([]);
    expect(shortcutOverrideProblems({ wlPreset1: null, wlPreset2: '1' })).toEqual([]);
  });

  it('over the wire: unknown actions are refused by the contract, conflicts by the handler', async () => {
    const h = handlersWith(new MemorySettingsStore({}));
    const unknown = await dispatch(h, 'shortcuts.set', { overrides: { launch: 'X' } }, ctx);
    expect(unknown).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest } });
    const conflict = await dispatch(h, 'shortcuts.set', { overrides: { wlPreset2: 'R' } }, ctx);
    expect(conflict).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest, message: expect.stringMatching(/R would trigger both .*\(wlPreset2\) and .*\(reset\)/) } });
    const ok = await dispatch(h, 'shortcuts.set', { overrides: { wlPreset2: 'Shift+L' } }, ctx);
    expect(ok).toMatchObject({ ok: true, value: { map: { wlPreset2: ['Shift+L'] } } });
    expect(await dispatch(h, 'shortcuts.get', {}, ctx)).toMatchObject({ ok: true, value: { map: { wlPreset2: ['Shift+L'], wlPreset1: ['1'] } } });
  });

  it('a host without settings refuses set', async () => {
    await expect(handlersWith(undefined).shortcuts.set({ overrides: {} }, ctx)).rejects.toMatchObject({ code: ErrorCode.Internal });
  });
});

describe('settings.audit.forwarding', () => {
  it('is off unless set, and defaults the port to 6514 (syslog over TLS)', () => {
    expect(parseSettings({}, 'x').audit).toBeUndefined();
    expect(parseSettings({ audit: { forwarding: { enabled: true, host: 'arr.hospital.example', caFile: '/etc/dokuei/arr-ca.pem' } } }, 'x').audit?.forwarding).toEqual({
      enabled: true,
      host: 'arr.hospital.example',
      port: 6514,
      caFile: '/etc/dokuei/arr-ca.pem',
    });
    expect(parseSettings({ audit: { forwarding: {} } }, 'x').audit?.forwarding).toEqual({ enabled: false, port: 6514 });
  });

  it('refuses enabled forwarding without a host or a CA, and a client certificate without its key, saying which', () => {
    expect(() => parseSettings({ audit: { forwarding: { enabled: true, caFile: '/ca.pem' } } }, 'settings.json')).toThrow(
      "Settings in settings.json are invalid: audit.forwarding.host: Audit forwarding needs the audit repository's host name or address",
    );
    expect(() => parseSettings({ audit: { forwarding: { enabled: true, host: 'arr' } } }, 'x')).toThrow(/audit\.forwarding\.caFile: Audit forwarding needs caFile/);
    expect(() => parseSettings({ audit: { forwarding: { enabled: true, host: 'arr', caFile: '/ca.pem', certFile: '/me.pem' } } }, 'x')).toThrow(/audit\.forwarding\.keyFile: certFile and keyFile go together/);
    expect(() => parseSettings({ audit: { forwarding: { enabled: true, host: 'arr', caFile: '/ca.pem', port: 70000 } } }, 'x')).toThrow(/audit\.forwarding\.port: The audit repository port is 1–65535/);
  });
});

/**
 * Every shape settings.json has had, as a workstation that last saved it then would hold it (taken from the
 * schema at each commit that changed it), loads into the current version with nothing lost; the ConfSettingsStore
 * then writes the current version.
 */
describe('settings migrations', () => {
  const EARLIER_SHAPES: Array<{ era: string; raw: Record<string, unknown>; check(s: ReturnType<typeof parseSettings>): void }> = [
    {
      era: 'foundation (7a73b30): DICOMweb nodes by name only, no ids',
      raw: { nodes: [{ name: 'On-site PACS', kind: 'dicomweb', url: 'http://pacs.local:8042/dicom-web', timeoutMs: 9000, enabled: true }, { name: '院外 アーカイブ', kind: 'dicomweb', url: 'https://dr.example/dicom-web' }], seedDemo: false },
      check(s) {
        expect(s.nodes.map((n) => n.id)).toEqual(['On-site-PACS', 'node-2']);
        expect(s.nodes[0]).toMatchObject({ kind: 'dicomweb', url: 'http://pacs.local:8042/dicom-web', timeoutMs: 9000, role: 'other', priority: 100, auth: { type: 'none' } });
        expect(s.seedDemo).toBe(false);
      },
    },
    {
      era: 'PACS groundwork (5c4236d): ids, roles, auth by secretRef, DIMSE nodes, the local SCP',
      raw: {
        nodes: [
          { id: 'onsite', name: 'On-site', kind: 'dicomweb', url: 'https://pacs/dicom-web', role: 'onsite', priority: 10, auth: { type: 'basic', username: 'reader', secretRef: 'onsite-password' } },
          { id: 'dr', name: 'Archive', kind: 'dimse', host: 'dr.example', port: 104, calledAeTitle: 'DRARCH', retrieve: 'C-MOVE' },
        ],
        localScp: { aeTitle: 'WS12', port: 11113, enabled: true },
      },
      check(s) {
        expect(s.nodes[0]).toMatchObject({ id: 'onsite', auth: { type: 'basic', username: 'reader', secretRef: 'onsite-password' } });
        expect(s.nodes[1]).toMatchObject({ id: 'dr', kind: 'dimse', retrieve: 'C-MOVE', calledAeTitle: 'DRARCH' });
        expect(s.localScp).toMatchObject({ aeTitle: 'WS12', port: 11113 });
      },
    },
    {
      era: 'archive quota and folder (b3414f6, 92fa857)',
      raw: { nodes: [], archive: { quotaGb: 250, dir: '/srv/dokuei-archive' } },
      check: (s) => expect(s.archive).toEqual({ quotaGb: 250, dir: '/srv/dokuei-archive' }),
    },
    {
      era: 'viewer keys (9782747)',
      raw: { nodes: [], shortcuts: { wlPreset2: 'Shift+L', resetView: null } },
      check: (s) => expect(s.shortcuts).toEqual({ wlPreset2: 'Shift+L', resetView: null }),
    },
    {
      era: 'credentials over http by exception (7869d9f) and audit forwarding (d9508ad)',
      raw: {
        nodes: [{ id: 'lab', name: 'Lab', kind: 'dicomweb', url: 'http://lab/dicom-web', auth: { type: 'bearer', secretRef: 'lab-token' }, allowInsecureCredentials: true }],
        audit: { forwarding: { enabled: true, host: 'arr.hospital', caFile: '/etc/arr-ca.pem' } },
      },
      check(s) {
        expect(s.nodes[0]).toMatchObject({ allowInsecureCredentials: true, auth: { type: 'bearer' } });
        expect(s.audit?.forwarding).toMatchObject({ enabled: true, host: 'arr.hospital', port: 6514 });
      },
    },
  ];

  for (const shape of EARLIER_SHAPES) {
    it(`loads a file of the ${shape.era} era into version ${SETTINGS_VERSION}, and saves it as that version`, async () => {
      const dir = await makeTempDir('dokuei-settings-migrate-');
      try {
        writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(shape.raw));
        const store = new ConfSettingsStore(dir);
        const loaded = store.get();
        expect(loaded.version).toBe(SETTINGS_VERSION);
        shape.check(loaded);
        store.set(loaded);
        const written = JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
        expect(written.version).toBe(SETTINGS_VERSION);
        shape.check(new ConfSettingsStore(dir).get());
      } finally {
        await removeDir(dir);
      }
    });
  }

  it('has one step per version, in order, ending at the current version', () => {
    expect(SETTINGS_MIGRATIONS.map((m) => m.to)).toEqual(Array.from({ length: SETTINGS_VERSION }, (_, i) => i + 1));
  });

  it('refuses a file written by a newer Dokuei, saying which version, rather than dropping what it does not know', () => {
    expect(() => parseSettings({ version: SETTINGS_VERSION + 1, nodes: [] }, '/x/settings.json')).toThrow(new RegExp(`/x/settings.json are version ${SETTINGS_VERSION + 1}, written by a newer Dokuei`));
  });

  it('runs no step on a current file: a node without an id is then an error, not a guess', () => {
    expect(() => parseSettings({ version: SETTINGS_VERSION, nodes: [{ name: 'X', kind: 'dicomweb', url: 'http://x/' }] }, 'f')).toThrow(/nodes\.0\.id/);
  });
});

describe('prefetch rules (settings.prefetch)', () => {
  const opened: Array<[string, string, number | undefined]> = [];
  const prefetch = {
    onStudyOpened: async (study: string, patient: string, count?: number) => {
      opened.push([study, patient, count]);
      return { queued: [], skipped: [], errors: [] };
    },
  };
  const handlers = (settings: SettingsStore) => createHandlers({ settings, prefetch } as unknown as HandlerDeps);

  it('default to the priors on open (3) and nothing at start, and saved rules apply to the next study opened', async () => {
    opened.length = 0;
    const settings = new MemorySettingsStore({});
    const h = handlers(settings);
    expect(await h.settings['prefetch.get']({}, ctx)).toEqual({ priorsOnOpen: true, priorsCount: 3, todayOnStart: false });
    await h.prefetch.studyOpened({ studyInstanceUid: '1.2.3', patientId: 'P1' }, ctx);
    expect(opened).toEqual([['1.2.3', 'P1', undefined]]);

    await h.settings['prefetch.set']({ priorsOnOpen: true, priorsCount: 7, todayOnStart: true }, ctx);
    expect(settings.get().prefetch).toEqual({ priorsOnOpen: true, priorsCount: 7, todayOnStart: true });
    await h.prefetch.studyOpened({ studyInstanceUid: '1.2.4', patientId: 'P1' }, ctx);
    expect(opened[1]).toEqual(['1.2.4', 'P1', 7]);

    await h.settings['prefetch.set']({ priorsOnOpen: false, priorsCount: 7, todayOnStart: false }, ctx);
    expect(await h.prefetch.studyOpened({ studyInstanceUid: '1.2.5', patientId: 'P1' }, ctx)).toEqual({ queued: 0, skipped: 0, errors: [] });
    expect(opened).toHaveLength(2);
  });

  it('refuses a count out of range over the wire, saying so', async () => {
    const result = await dispatch(handlers(new MemorySettingsStore({})), 'settings.prefetch.set', { priorsOnOpen: true, priorsCount: 50, todayOnStart: false }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest } });
    expect(JSON.stringify(result)).toContain('At most 20 priors');
  });
});
