/**
 * The reader's viewer keys for the whole page: loaded once from the services (shortcuts.get: the saved overrides
 * merged over the defaults) and replaced when the Keys panel saves. Viewers read the map with useShortcutMap() and
 * pass it to their viewports; until it has loaded (or when it cannot be), the defaults apply.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DokueiApi, ShortcutsState } from '../../../../common/ipc/contract';
import { DEFAULT_SHORTCUTS, matchShortcut, type ShortcutMap } from '../../../../common/viewer/shortcuts';
import type { ShortcutOverrides } from '../model/keysDraft';
import { errorTextNow } from '../../../ui/i18n';

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

export interface ShortcutsProviderProps {
  api: DokueiApi;
  /** Called on "?" (the Keys panel's key). */
  onKeysHotkey?: () => void;
  children: ReactNode;
}

export function ShortcutsProvider({ api, onKeysHotkey, children }: ShortcutsProviderProps) {
  const [state, setState] = useState<ShortcutsState>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    let live = true;
    api.shortcuts.get({}).then(
      (s) => live && setState(s),
      (err: Error) => live && setLoadError(errorTextNow(err)),
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
  useKeysHotkey(onKeysHotkey, value.map);
  return <ShortcutsContext.Provider value={value}>{children}</ShortcutsContext.Provider>;
}

export const useShortcuts = (): ShortcutsContextValue => useContext(ShortcutsContext);

/** The viewer keys that apply now, for a viewport's `keymap` prop. */
export const useShortcutMap = (): ShortcutMap => useContext(ShortcutsContext).map;

/**
 * Calls `open` on "?" outside text fields, unless the reader bound that key to a viewer action. (Not skipped on
 * defaultPrevented: cornerstone's keyboard listener prevents the default of every key pressed on a viewport.)
 */
function useKeysHotkey(open: (() => void) | undefined, map: ShortcutMap): void {
  const latest = useRef({ open, map });
  latest.current = { open, map };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.altKey || e.metaKey || !latest.current.open) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (matchShortcut(e, latest.current.map)) return;
      e.preventDefault();
      latest.current.open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
