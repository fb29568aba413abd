/** Retrieve jobs with progress, bytes, rate and time left; running ones can be cancelled. */
import type { RetrieveJob } from '../../../../common/dicom/retrieveJob';
import type { DokueiApi } from '../../../../common/ipc/contract';
import { useTranslation } from '../../../ui/i18n';
import { etaSeconds, formatBytes } from '../model/format';

export function JobsPanel({ api, jobs, onClose }: { api: DokueiApi; jobs: readonly RetrieveJob[]; onClose: () => void }) {
  const { t } = useTranslation();
  /** Time left (model/format.ts formatEta, in the reader's language). */
  const etaText = (seconds: number | undefined) =>
    seconds === undefined ? '' : seconds < 60 ? t('status.jobs.secondsLeft', { seconds }) : t('status.jobs.minutesLeft', { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
  const sorted = [...jobs].sort((a, b) => b.startedAt - a.startedAt);
  const now = Date.now();
  return (
    <div className="file-panel" role="dialog" aria-label={t('status.jobs.label')}>
      <div className="file-panel-head">
        <h2>{t('status.jobs.heading')}</h2>
        <button type="button" onClick={onClose}>
          {t('status.jobs.close')}
        </button>
      </div>
      {sorted.length === 0 ? <div className="empty">{t('status.jobs.none')}</div> : null}
      <table className="jobs-table" aria-label={t('status.jobs.table')}>
        <tbody>
          {sorted.map((j) => {
            const frac = j.total ? Math.min(1, (j.completed + j.failed) / j.total) : j.state === 'done' ? 1 : 0;
            const active = j.state === 'running' || j.state === 'queued';
            return (
              <tr key={j.jobId} data-job-id={j.jobId} data-state={j.state}>
                <td title={j.studyInstanceUid}>{j.studyInstanceUid.slice(-16)}</td>
                <td>{j.nodeName}</td>
                <td className={`state ${j.state}`}>{t(`status.jobs.state.${j.state}`)}</td>
                <td style={{ width: '30%' }}>
                  <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
                    <div style={{ width: `${Math.round(frac * 100)}%` }} />
                  </div>
                </td>
                <td>
                  {j.completed}
                  {j.total !== undefined ? `/${j.total}` : ''} · {formatBytes(j.bytes)}
                  {j.bytesPerSecond > 0 && active ? ` · ${formatBytes(j.bytesPerSecond)}/s` : ''} {etaText(etaSeconds(j, now))}
                  {j.error ? <div className="job-error">{j.error}</div> : null}
                </td>
                <td>
                  {active ? (
                    <button type="button" onClick={() => void api.retrieve.cancel({ jobId: j.jobId })}>
                      {t('status.jobs.cancel')}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
