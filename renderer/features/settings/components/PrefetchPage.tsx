/** The settings window's prefetch rules: the patient's priors when a study opens (how many), today's studies at start. */
import { useEffect, useState } from 'react';
import type { DokueiApi } from '../../../../common/ipc/contract';
import { PrefetchSettings } from '../../../../common/settings/prefetchSettings';
import { errorText, useTranslation } from '../../../ui/i18n';

export function PrefetchPage({ api }: { api: DokueiApi }) {
  const { t } = useTranslation();
  const [rules, setRules] = useState<{ priorsOnOpen: boolean; priorsCount: string; todayOnStart: boolean }>();
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string }>();

  useEffect(() => {
    api.settings['prefetch.get']({}).then(
      (r) => setRules({ ...r, priorsCount: String(r.priorsCount) }),
      (err: Error) => setStatus({ kind: 'error', text: errorText(t, err) }),
    );
  }, [api]);
  if (!rules) return status ? <div className="banner error" role="alert">{status.text}</div> : <p>{t('settings.loading')}</p>;

  const parsed = PrefetchSettings.safeParse({ ...rules, priorsCount: Number(rules.priorsCount) });
  const countProblem = parsed.success ? undefined : t('settings.prefetch.countRule');
  const save = async () => {
    if (!parsed.success) return;
    try {
      const saved = await api.settings['prefetch.set'](parsed.data);
      setRules({ ...saved, priorsCount: String(saved.priorsCount) });
      setStatus({ kind: 'ok', text: t('settings.prefetch.saved') });
    } catch (err) {
      setStatus({ kind: 'error', text: t('settings.nodes.saveFailed', { reason: errorText(t, err) }) });
    }
  };
  return (
    <div className="settings-prefetch">
      <p className="settings-help">{t('settings.prefetch.help')}</p>
      <div className="field field-check">
        <label>
          <input type="checkbox" checked={rules.priorsOnOpen} onChange={(e) => setRules({ ...rules, priorsOnOpen: e.target.checked })} /> {t('settings.prefetch.priorsOnOpen')}
        </label>
      </div>
      <div className="field" style={{ maxWidth: 280 }}>
        <label htmlFor="prefetch-count">{t('settings.prefetch.priorsCount')}</label>
        <input
          id="prefetch-count"
          type="number"
          min={1}
          max={20}
          value={rules.priorsCount}
          disabled={!rules.priorsOnOpen}
          aria-invalid={!!countProblem}
          aria-describedby={countProblem ? 'prefetch-count-problem' : undefined}
          onChange={(e) => setRules({ ...rules, priorsCount: e.target.value })}
        />
        {countProblem ? (
          <span className="field-problem" id="prefetch-count-problem">
            {countProblem}
          </span>
        ) : null}
      </div>
      <div className="field field-check">
        <label>
          <input type="checkbox" checked={rules.todayOnStart} onChange={(e) => setRules({ ...rules, todayOnStart: e.target.checked })} /> {t('settings.prefetch.todayOnStart')}
        </label>
      </div>
      <div className="file-actions">
        <button type="button" className="primary" disabled={!!countProblem} onClick={() => void save()}>
          {t('settings.prefetch.save')}
        </button>
        <span role="status" data-testid="prefetch-status" className={status?.kind === 'error' ? 'field-problem' : 'muted'}>
          {status?.text ?? ''}
        </span>
      </div>
    </div>
  );
}
