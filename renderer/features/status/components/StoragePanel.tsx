/** The local archive: how much is stored, over time and by modality, against the quota; where; and the quota setting. */
import { useEffect, useState, type FormEvent } from 'react';
import type { ArchiveUsage, DokueiApi } from '../../../../common/ipc/contract';
import { errorText, useTranslation } from '../../../ui/i18n';
import { formatBytes } from '../model/format';
import type { ChartInput } from '../model/usageChart';
import { UsageChart } from './UsageChart';

const GB = 1024 ** 3;
const toGbText = (bytes: number | undefined) => (bytes === undefined ? '' : String(Math.round((bytes / GB) * 100) / 100));

type T = ReturnType<typeof useTranslation>['t'];

/** The sentence under the chart (model/usageChart.ts projectionText, in the reader's language): growth per day and, with a quota, when it fills. */
function projectionLine(usage: { projection?: ChartInput['projection']; quotaBytes?: number | undefined }, t: T): string | undefined {
  const p = usage.projection;
  if (!p) return undefined;
  if (p.bytesPerDay <= 0) return t('status.projection.noGrowth');
  const rate = t('status.projection.rate', { size: formatBytes(Math.round(p.bytesPerDay)) });
  if (usage.quotaBytes === undefined) return t('status.projection.noQuota', { rate });
  if (p.quotaFullOn) return t('status.projection.fillsOn', { rate, date: p.quotaFullOn });
  return t('status.projection.neverFills', { rate });
}

export function StoragePanel({ api, refreshKey, onClose }: { api: DokueiApi; refreshKey: number; onClose: () => void }) {
  const { t } = useTranslation();
  const [usage, setUsage] = useState<ArchiveUsage>();
  const [error, setError] = useState<string>();
  const [quotaText, setQuotaText] = useState('');
  const [quotaError, setQuotaError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    api.archive.usage({}).then(
      (u) => {
        setUsage(u);
        setQuotaText((current) => (current === '' ? toGbText(u.quotaBytes) : current));
      },
      (err: Error) => setError(errorText(t, err)),
    );
  }, [api, refreshKey]);

  const applyQuota = async (quotaGb: number | null) => {
    setQuotaError(undefined);
    setSaved(undefined);
    setSaving(true);
    try {
      const u = await api.archive.setQuota({ quotaGb });
      setUsage(u);
      setQuotaText(toGbText(u.quotaBytes));
      setSaved(quotaGb === null ? t('status.storage.quotaRemoved') : t('status.storage.quotaSaved', { quota: formatBytes(u.quotaBytes ?? 0) }));
    } catch (err) {
      setQuotaError(errorText(t, err));
    } finally {
      setSaving(false);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const value = Number(quotaText.trim().replace(',', '.'));
    if (quotaText.trim() === '' || !Number.isFinite(value) || value < 0.1 || value > 100000) {
      setSaved(undefined);
      setQuotaError(t('status.storage.quotaRange'));
      return;
    }
    void applyQuota(value);
  };

  const max = Math.max(1, ...(usage?.byModality.map((m) => m.bytes) ?? [1]));
  const projection = usage ? projectionLine(usage, t) : undefined;
  return (
    <div className="file-panel storage-panel" role="dialog" aria-label={t('status.storage.label')}>
      <div className="file-panel-head">
        <h2>{t('status.storage.heading')}</h2>
        <button type="button" onClick={onClose}>
          {t('status.storage.close')}
        </button>
      </div>
      {error ? (
        <div className="banner error" role="alert">
          {error}
        </div>
      ) : null}
      {usage ? (
        <>
          <p data-testid="archive-total">
            {usage.quotaBytes
              ? t('status.storage.totalWithQuota', {
                  size: formatBytes(usage.totalBytes),
                  studies: usage.studies,
                  pinned: usage.pinnedStudies,
                  quota: formatBytes(usage.quotaBytes),
                  percent: Math.round((100 * usage.totalBytes) / usage.quotaBytes),
                })
              : t('status.storage.totalNoQuota', { size: formatBytes(usage.totalBytes), studies: usage.studies, pinned: usage.pinnedStudies })}
          </p>
          {usage.history && usage.history.length > 0 ? (
            <figure className="usage-history">
              <UsageChart history={usage.history} quotaBytes={usage.quotaBytes} projection={usage.projection} />
              {projection ? <figcaption data-testid="archive-projection">{projection}</figcaption> : null}
            </figure>
          ) : null}
          <table className="usage-table" aria-label={t('status.storage.byModality')}>
            <tbody>
              {usage.byModality.map((m) => (
                <tr key={m.modality} data-modality={m.modality}>
                  <td>{m.modality}</td>
                  <td style={{ width: '60%' }}>
                    <div className="bar">
                      <div style={{ width: `${Math.round((100 * m.bytes) / max)}%` }} />
                    </div>
                  </td>
                  <td>{formatBytes(m.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {usage.location ? (
            <p className="archive-location" data-testid="archive-location">
              {t('status.storage.location')} <code>{usage.location}</code>
            </p>
          ) : null}
          <LocationForm api={api} />
          <form className="quota-form" onSubmit={onSubmit} aria-label={t('status.storage.quotaForm')} noValidate>
            <label>
              {t('status.storage.quotaGb')}{' '}
              <input
                name="quotaGb"
                type="number"
                inputMode="decimal"
                min={0.1}
                max={100000}
                step="any"
                value={quotaText}
                placeholder={t('status.storage.quotaNone')}
                aria-invalid={quotaError ? true : undefined}
                onChange={(e) => setQuotaText(e.target.value)}
              />
            </label>
            <button type="submit" disabled={saving}>
              {t('status.storage.save')}
            </button>
            <button type="button" disabled={saving || usage.quotaBytes === undefined} onClick={() => void applyQuota(null)}>
              {t('status.storage.noQuota')}
            </button>
            {saved ? (
              <span className="quota-saved" role="status">
                {saved}
              </span>
            ) : null}
          </form>
          {quotaError ? (
            <div className="banner error quota-error" role="alert" data-testid="quota-error">
              {quotaError}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/** A new archive folder for the next start. Nothing is moved: the reader is told so, and where the data stays. */
function LocationForm({ api }: { api: DokueiApi }) {
  const { t } = useTranslation();
  const [dir, setDir] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const save = async (value: string | null) => {
    setMessage(undefined);
    try {
      const r = await api.archive.setLocation({ dir: value });
      setMessage({
        kind: 'ok',
        text: r.restartRequired
          ? t('status.storage.locationSaved', { next: r.next, current: r.current })
          : t('status.storage.locationStays', { current: r.current }),
      });
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(t, err) });
    }
  };
  return (
    <form
      className="location-form"
      aria-label={t('status.storage.locationForm')}
      onSubmit={(e) => {
        e.preventDefault();
        void save(dir.trim() || null);
      }}
    >
      <label>
        {t('status.storage.newLocation')}{' '}
        <input name="archiveDir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder={t('status.storage.locationPlaceholder')} spellCheck={false} />
      </label>{' '}
      <button type="submit">{t('status.storage.saveLocation')}</button>{' '}
      <button type="button" onClick={() => void save(null)}>
        {t('status.storage.defaultLocation')}
      </button>
      {message ? (
        <div className={message.kind === 'error' ? 'banner error' : 'saved'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="location-message">
          {message.text}
        </div>
      ) : null}
    </form>
  );
}
