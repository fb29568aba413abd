/**
 * The Keys panel: every viewer action with what it does and its current key. "Change" then a key press rebinds
 * it, "Clear" unbinds it, "Reset" restores its default keys; conflicts are listed (naming both actions) and
 * block saving until resolved. Saved keys go to the settings (`shortcuts` in settings.json) and apply at once.
 */
import { useEffect, useMemo, useState } from 'react';
import { SHORTCUT_ACTION_IDS, SHORTCUT_ACTIONS, type ShortcutAction, type ShortcutMap } from '../../../../common/viewer/shortcuts';
import { conflictMessage, displayKey, draftConflicts, isChanged, keySpecFromEvent, overridesFromDraft, withKeys } from '../model/keysDraft';
import { useShortcuts } from './ShortcutsProvider';

export function KeysPanel({ onClose }: { onClose: () => void }) {
  const { state, map, loadError, save } = useShortcuts();
  const defaults = state?.defaults ?? map;
  const [draft, setDraft] = useState<ShortcutMap>(map);
  const [capturing, setCapturing] = useState<ShortcutAction>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string>();
  const [saveError, setSaveError] = useState<string>();

  // The saved keys arrive after the panel opened (first load): start from them unless the reader began editing.
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched) setDraft(map);
  }, [map, touched]);

  const edit = (next: ShortcutMap) => {
    setDraft(next);
    setTouched(true);
    setSaved(undefined);
    setSaveError(undefined);
  };

  // While capturing, the next key press (not a lone modifier) is the new key; Esc cancels. Nothing else sees it.
  useEffect(() => {
    if (!capturing) return;
    const onKey = (e: KeyboardEvent) => {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.key === 'Escape' && !e.ctrlKey && !e.altKey && !e.shiftKey && !e.metaKey) {
        setCapturing(undefined);
        return;
      }
      const spec = keySpecFromEvent(e);
      if (!spec) return;
      setCapturing(undefined);
      edit(withKeys(draft, capturing, [spec]));
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [capturing, draft]);

  const conflicts = useMemo(() => draftConflicts(draft), [draft]);
  const inConflict = useMemo(() => new Set(conflicts.flatMap((c) => c.actions)), [conflicts]);
  const dirty = useMemo(() => SHORTCUT_ACTION_IDS.some((a) => draft[a].join('\n') !== map[a].join('\n')), [draft, map]);
  const changedCount = SHORTCUT_ACTION_IDS.filter((a) => isChanged(draft, defaults, a)).length;

  const onSave = async () => {
    setSaving(true);
    setSaved(undefined);
    setSaveError(undefined);
    try {
      const next = await save(overridesFromDraft(draft, defaults));
      setDraft(next.map);
      setTouched(false);
      setSaved(next.notes.length ? `Saved. ${next.notes.join(' ')}` : 'Saved: the new keys apply now.');
    } catch (err) {
      setSaveError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="file-panel keys-panel" role="dialog" aria-label="Viewer keys">
      <div className="file-panel-head">
        <h2>Viewer keys</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="keys-help">
        These keys apply while an image has focus (click it). Choose <strong>Change</strong> and press the new key or combination (Esc cancels).
        Your keys are saved in the settings (<code>settings.json</code>, field <code>shortcuts</code>); <kbd>?</kbd> opens this panel.
      </p>
      {loadError ? (
        <div className="banner error" role="alert">
          The saved keys could not be loaded ({loadError}); the default keys apply.
        </div>
      ) : null}
      {state?.errors.length ? (
        <div className="banner error" role="alert" data-testid="keys-saved-errors">
          Some saved keys were ignored: {state.errors.join(' ')}
        </div>
      ) : null}
      {conflicts.length > 0 ? (
        <div className="banner error" role="alert" data-testid="keys-conflicts">
          {conflicts.map((c) => (
            <div key={`${c.key}-${c.actions.join('-')}`}>{conflictMessage(c)}</div>
          ))}
        </div>
      ) : null}
      <div className="keys-actions">
        <button type="button" className="primary" disabled={saving || !dirty || conflicts.length > 0} onClick={() => void onSave()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" disabled={changedCount === 0} onClick={() => edit(Object.fromEntries(SHORTCUT_ACTION_IDS.map((a) => [a, [...defaults[a]]])) as ShortcutMap)}>
          Reset all to defaults
        </button>
        <span className="keys-status" role="status" data-testid="keys-status">
          {saveError ? <span className="keys-error">{saveError}</span> : saved ?? (conflicts.length > 0 ? 'Resolve the conflicts to save.' : dirty ? 'Unsaved changes.' : `${changedCount} of ${SHORTCUT_ACTION_IDS.length} keys changed from the defaults.`)}
        </span>
      </div>
      <table className="keys-table">
        <thead>
          <tr>
            <th>Action</th>
            <th>Key</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {SHORTCUT_ACTION_IDS.map((a) => {
            const keys = draft[a];
            const changed = isChanged(draft, defaults, a);
            return (
              <tr key={a} data-action={a} data-changed={changed || undefined} data-conflict={inConflict.has(a) || undefined} aria-selected={capturing === a}>
                <td>{SHORTCUT_ACTIONS[a]}</td>
                <td className="keys-key" data-testid="keys-current">
                  {capturing === a ? <em>Press a key… (Esc cancels)</em> : keys.length ? keys.map((k) => <kbd key={k}>{displayKey(k)}</kbd>) : <span className="muted">none</span>}
                </td>
                <td className="keys-row-actions">
                  <button type="button" aria-pressed={capturing === a} onClick={() => setCapturing(capturing === a ? undefined : a)}>
                    Change
                  </button>
                  <button type="button" disabled={keys.length === 0} onClick={() => edit(withKeys(draft, a, []))}>
                    Clear
                  </button>
                  <button type="button" disabled={!changed} title={`Default: ${defaults[a].map(displayKey).join(', ') || 'none'}`} onClick={() => edit(withKeys(draft, a, defaults[a]))}>
                    Reset
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
