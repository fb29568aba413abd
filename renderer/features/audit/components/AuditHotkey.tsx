/**
 * Ctrl+Shift+A opens the audit panel from anywhere in the window (text fields included: it types nothing), unless
 * the reader bound that key to a viewer action, which then wins, as it does for "?" and the Keys panel. Rendered
 * inside the ShortcutsProvider so it sees the reader's keys.
 */
import { useEffect, useRef } from 'react';
import { matchShortcut } from '../../../../common/viewer/shortcuts';
import { useShortcutMap } from '../../settings';

/** The panel's key (a chord: the single letters belong to the viewer's tools). */
export const AUDIT_HOTKEY = 'Ctrl+Shift+A';

/** By the character, or by the key's place where the layout types another letter there (Cyrillic, Greek…). */
export function isAuditHotkey(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>): boolean {
  return e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && (e.key.toLowerCase() === 'a' || (!/^[a-z]$/i.test(e.key) && e.code === 'KeyA'));
}

export function AuditHotkey({ onOpen }: { onOpen: () => void }) {
  const map = useShortcutMap();
  const latest = useRef({ onOpen, map });
  latest.current = { onOpen, map };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isAuditHotkey(e) || matchShortcut(e, latest.current.map)) return;
      e.preventDefault();
      latest.current.onOpen();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return null;
}
