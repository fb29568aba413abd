/**
 * The reader's viewer keys for the whole page: loaded once from the services (shortcuts.get: the saved overrides
 * merged over the defaults) and replaced when the Keys panel saves. Viewers read the map with useShortcutMap() and
 * pass it to their viewports; until it has loaded (or when it cannot be), the defaults apply.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DokueiApi, ShortcutsState } from '../../../../common/ipc/contract';
import { DEFAULT_SHORTCUTS, type ShortcutMap } from '../../../../common/viewer/shortcuts';
import type { ShortcutOverrides } from '../model/keysDraft';

export interface ShortcutsContextValue {
  /** Undefined until shortcuts.get answered. */
  state?: ShortcutsState;
  /** The keys that apply now. */
  map: ShortcutMap;
  /** Why the saved keys could not be loaded (the defaults apply). */
  loadError?: string;
  /** Saves the overrides (all of them: what is not listed gets its default keys); rejects with the services' reason. */
  save(overrides: ShortcutOverrides): Promise<ShortcutsState>;
}

const ShortcutsContext = createContext<ShortcutsContextValue>({
  map: DEFAULT_SHORTCUTS,
  save: () => Promise.reject(new Error('The viewer keys cannot be saved here')),
});

export function ShortcutsProvider({ api, children }: { api: DokueiApi; children: ReactNode }) {
  const [state, setState] = useState<ShortcutsState>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    let live = true;
    api.shortcuts.get({}).then(
      (s) => live && setState(s),
      (err: Error) => live && setLoadError(err.message),
    );
    return () => {
      live = false;
    };
  }, [api]);
  const save = useCallback(
    async (overrides: ShortcutOverrides) => {
      const next = await api.shortcuts.set({ overrides });
      setState(next);
      setLoadError(undefined);
      return next;
    },
    [api],
  );
  const value = useMemo(() => ({ state, map: state?.map ?? DEFAULT_SHORTCUTS, loadError, save }), [state, loadError, save]);
  return <ShortcutsContext.Provider value={value}>{children}</ShortcutsContext.Provider>;
}

export const useShortcuts = (): ShortcutsContextValue => useContext(ShortcutsContext);

/** The viewer keys that apply now, for a viewport's `keymap` prop. */
export const useShortcutMap = (): ShortcutMap => useContext(ShortcutsContext).map;

/** "?" (outside text fields, and unless a viewport used the key) calls `open`: the Keys panel. */
export function useKeysHotkey(open: () => void): void {
  const latest = useRef(open);
  latest.current = open;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
