/** The local archive: how much is stored, by modality, against the quota. */
import { useEffect, useState } from 'react';
import type { ArchiveUsage, DokueiApi } from '../../../../common/ipc/contract';
import { formatBytes } from '../model/format';

export function StoragePanel({ api, refreshKey, onClose }: { api: DokueiApi; refreshKey: number; onClose: () => void }) {
  const [usage, setUsage] = useState<ArchiveUsage>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.archive.usage({}).then(setUsage, (err: Error) => setError(err.message));
  }, [api, refreshKey]);
  const max = Math.max(1, ...(usage?.byModality.map((m) => m.bytes) ?? [1]));
  return (
    <div className="file-panel" role="dialog" aria-label="Storage">
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
        </>
      ) : null}
    </div>
  );
}
