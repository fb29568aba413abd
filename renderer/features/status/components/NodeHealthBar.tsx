/** Each node's health in the header: online, degraded, offline (with the reason and when it is retried). */
import type { NodeHealthRow } from '../../../../common/ipc/contract';

export function NodeHealthBar({ rows }: { rows: readonly NodeHealthRow[] }) {
  if (rows.length === 0) return <span className="sub">Local archive only (no PACS configured)</span>;
  return (
    <span className="health-bar" aria-label="Node health">
      {rows.map((r) => (
        <span
          key={r.nodeId}
          className={`chip health ${r.state}`}
          data-node-id={r.nodeId}
          data-state={r.state}
          title={r.lastFailure ? `${r.state}: ${r.lastFailure}${r.retryAt ? ` (retried at ${new Date(r.retryAt).toLocaleTimeString()})` : ''}` : r.state}
        >
          {r.name}
        </span>
      ))}
    </span>
  );
}
