/**
 * Each node's health in the header: online, degraded, offline (with the reason and when it is retried), and
 * a warning marker on nodes that send credentials over plain http (allowInsecureCredentials in their settings).
 */
import type { NodeHealthRow } from '../../../../common/ipc/contract';
import { insecureNodeWarning } from '../model/insecureNodes';
import { useTranslation } from '../../../ui/i18n';

export function NodeHealthBar({ rows, insecure }: { rows: readonly NodeHealthRow[]; insecure?: ReadonlySet<string> }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <span className="sub">{t('health.localOnly')}</span>;
  return (
    <span className="health-bar" aria-label={t('health.nodeHealth')}>
      {rows.map((r) => (
        <span
          key={r.nodeId}
          className={`chip health ${r.state}${insecure?.has(r.nodeId) ? ' insecure' : ''}`}
          data-node-id={r.nodeId}
          data-state={r.state}
          title={r.lastFailure ? `${r.state}: ${r.lastFailure}${r.retryAt ? ` (retried at ${new Date(r.retryAt).toLocaleTimeString()})` : ''}` : r.state}
        >
          {r.name}
          {insecure?.has(r.nodeId) && (
            <span className="insecure-marker" role="img" aria-label={insecureNodeWarning(r.name)} title={insecureNodeWarning(r.name)}>
              {' ⚠ http'}
            </span>
          )}
        </span>
      ))}
    </span>
  );
}
