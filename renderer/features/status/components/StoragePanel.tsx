/** The local archive: how much is stored, over time and by modality, against the quota; where; and the quota setting. */
import { useEffect, useState, type FormEvent } from 'react';
import type { ArchiveUsage, DokueiApi } from '../../../../common/ipc/contract';
import { formatBytes } from '../model/format';
import { projectionText } from '../model/usageChart';
import { UsageChart } from './UsageChart';

const GB = 1024 ** 3;
const toGbText = (bytes: number | undefined) => (bytes === undefined ? '' : String(Math.round((bytes / GB) * 100) / 100));

export function StoragePanel({ api, refreshKey, onClose }: { api: DokueiApi; refreshKey: number; onClose: () => void }) {
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
        setQuotaText((t) => (t === '' ? toGbText(u.quotaBytes) : t));
      },
      (err: Error) => setError(err.message),
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
      setSaved(quotaGb === null ? 'Quota removed' : `Quota saved: ${formatBytes(u.quotaBytes ?? 0)}`);
    } catch (err) {
      setQuotaError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const value = Number(quotaText.trim().replace(',', '.'));
    if (quotaText.trim() === '' || !Number.isFinite(value) || value < 0.1 || value > 100000) {
      setSaved(undefined);
      setQuotaError('Enter a quota between 0.1 and 100000 GB, or choose "No quota".');
      return;
    }
    void applyQuota(value);
  };

  const max = Math.max(1, ...(usage?.byModality.map((m) => m.bytes) ?? [1]));
  const projection = usage ? projectionText(usage) : undefined;
  return (
    <div className="file-panel storage-panel" role="dialog" aria-label="Storage">
      <div className="file-panel-head">
        <h2>Local archive</h2>
        <button type="button" onClick={onClose}>
          Close
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
            {formatBytes(usage.totalBytes)} in {usage.studies} studies ({usage.pinnedStudies} pinned), encrypted at rest
            {usage.quotaBytes ? ` — quota ${formatBytes(usage.quotaBytes)} (${Math.round((100 * usage.totalBytes) / usage.quotaBytes)}% used)` : ' — no quota set'}
          </p>
          {usage.history && usage.history.length > 0 ? (
            <figure className="usage-history">
              <UsageChart history={usage.history} quotaBytes={usage.quotaBytes} projection={usage.projection} />
              {projection ? <figcaption data-testid="archive-projection">{projection}</figcaption> : null}
            </figure>
          ) : null}
          <table className="usage-table" aria-label="Usage by modality">
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
              Location: <code>{usage.location}</code>
            </p>
          ) : null}
          <LocationForm api={api} />
          <form className="quota-form" onSubmit={onSubmit} aria-label="Archive quota" noValidate>
            <label>
              Quota (GB){' '}
              <input
                name="quotaGb"
                type="number"
                inputMode="decimal"
                min={0.1}
                max={100000}
                step="any"
                value={quotaText}
                placeholder="none"
                aria-invalid={quotaError ? true : undefined}
                onChange={(e) => setQuotaText(e.target.value)}
              />
            </label>
            <button type="submit" disabled={saving}>
              Save
            </button>
            <button type="button" disabled={saving || usage.quotaBytes === undefined} onClick={() => void applyQuota(null)}>
              No quota
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
  const [dir, setDir] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const save = async (value: string | null) => {
    setMessage(undefined);
    try {
      const r = await api.archive.setLocation({ dir: value });
      setMessage({
        kind: 'ok',
        text: r.restartRequired
          ? `Saved: from the next start the archive is ${r.next}. The current archive stays in ${r.current} (nothing is moved).`
          : `The archive stays in ${r.current}.`,
      });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <form
      className="location-form"
      aria-label="Archive location"
      onSubmit={(e) => {
        e.preventDefault();
        void save(dir.trim() || null);
      }}
    >
      <label>
        New location{' '}
        <input name="archiveDir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/archive" spellCheck={false} />
      </label>{' '}
      <button type="submit">Save location</button>{' '}
      <button type="button" onClick={() => void save(null)}>
        Default location
      </button>
      {message ? (
        <div className={message.kind === 'error' ? 'banner error' : 'saved'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="location-message">
          {message.text}
        </div>
      ) : null}
    </form>
  );
}
