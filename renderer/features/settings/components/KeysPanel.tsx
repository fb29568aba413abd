/**
 * The Keys panel: every viewer action with what it does and its current key. "Change" then a key press rebinds
 * it, "Clear" unbinds it, "Reset" restores its default keys; conflicts are listed (naming both actions) and
 * block saving until resolved. Saved keys go to the settings (`shortcuts` in settings.json) and apply at once.
 */
import { useEffect, useMemo, useState } from 'react';
import { Trans } from 'react-i18next';
import { SHORTCUT_ACTION_IDS, type ShortcutAction, type ShortcutMap } from '../../../../common/viewer/shortcuts';
import { errorText, useTranslation } from '../../../ui/i18n';
import { displayKey, draftConflicts, isChanged, keySpecFromEvent, overridesFromDraft, withKeys } from '../model/keysDraft';
import { useShortcuts } from './ShortcutsProvider';

export function KeysPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  /** What an action does (common/viewer/shortcuts.ts SHORTCUT_ACTIONS, in the reader's language). */
  const actionText = (a: ShortcutAction) => t(`keys.action.${a}`);
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
      setSaved(next.notes.length ? t('keys.savedNotes', { notes: next.notes.join(' ') }) : t('keys.saved'));
    } catch (err) {
      setSaveError(errorText(t, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="file-panel keys-panel" role="dialog" aria-label={t('keys.title')}>
      <div className="file-panel-head">
        <h2>{t('keys.title')}</h2>
        <button type="button" onClick={onClose}>
          {t('keys.close')}
        </button>
      </div>
      <p className="keys-help">
        <Trans t={t} i18nKey="keys.help" components={{ strong: <strong />, code: <code />, kbd: <kbd /> }} />
      </p>
      {loadError ? (
        <div className="banner error" role="alert">
          {t('keys.loadFailed', { reason: loadError })}
        </div>
      ) : null}
      {state?.errors.length ? (
        <div className="banner error" role="alert" data-testid="keys-saved-errors">
          {t('keys.ignored', { errors: state.errors.join(' ') })}
        </div>
      ) : null}
      {conflicts.length > 0 ? (
        <div className="banner error" role="alert" data-testid="keys-conflicts">
          {conflicts.map((c) => (
            <div key={`${c.key}-${c.actions.join('-')}`}>{t('keys.conflict', { key: c.key, first: actionText(c.actions[0]), second: actionText(c.actions[1]) })}</div>
          ))}
        </div>
      ) : null}
      <div className="keys-actions">
        <button type="button" className="primary" disabled={saving || !dirty || conflicts.length > 0} onClick={() => void onSave()}>
          {saving ? t('keys.saving') : t('keys.save')}
        </button>
        <button type="button" disabled={changedCount === 0} onClick={() => edit(Object.fromEntries(SHORTCUT_ACTION_IDS.map((a) => [a, [...defaults[a]]])) as ShortcutMap)}>
          {t('keys.resetAll')}
        </button>
        <span className="keys-status" role="status" data-testid="keys-status">
          {saveError ? <span className="keys-error">{saveError}</span> : saved ?? (conflicts.length > 0 ? t('keys.resolve') : dirty ? t('keys.unsaved') : t('keys.changedCount', { changed: changedCount, total: SHORTCUT_ACTION_IDS.length }))}
        </span>
      </div>
      <table className="keys-table">
        <thead>
          <tr>
            <th>{t('keys.colAction')}</th>
            <th>{t('keys.colKey')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {SHORTCUT_ACTION_IDS.map((a) => {
            const keys = draft[a];
            const changed = isChanged(draft, defaults, a);
            return (
              <tr key={a} data-action={a} data-changed={changed || undefined} data-conflict={inConflict.has(a) || undefined} aria-selected={capturing === a}>
                <td>{actionText(a)}</td>
                <td className="keys-key" data-testid="keys-current">
                  {capturing === a ? <em>{t('keys.pressKey')}</em> : keys.length ? keys.map((k) => <kbd key={k}>{displayKey(k)}</kbd>) : <span className="muted">{t('keys.none')}</span>}
                </td>
                <td className="keys-row-actions">
                  <button type="button" aria-pressed={capturing === a} onClick={() => setCapturing(capturing === a ? undefined : a)}>
                    {t('keys.change')}
                  </button>
                  <button type="button" disabled={keys.length === 0} onClick={() => edit(withKeys(draft, a, []))}>
                    {t('keys.clear')}
                  </button>
                  <button type="button" disabled={!changed} title={t('keys.defaultTitle', { keys: defaults[a].map(displayKey).join(', ') || t('keys.none') })} onClick={() => edit(withKeys(draft, a, defaults[a]))}>
                    {t('keys.reset')}
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
