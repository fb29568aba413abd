/** One chip per node with its outcome for the last search; the reason is in the tooltip and in text. */
import type { NodeOutcome } from '../../../../common/dicom/federation';
import { nodeChips } from '../model/availability';
import { saysText, useTranslation } from '../../../ui/i18n';

export function NodeStatus({ outcomes }: { outcomes: readonly NodeOutcome[] }) {
  const { t } = useTranslation();
  const chips = nodeChips(outcomes);
  const problems = chips.filter((c) => c.state === 'unreachable' || c.state === 'error');
  // The reason inside the title: the services' keyed text when they gave one, else their English message.
  // The local archive's outcome comes named in English by the services (its id is 'local').
  const label = (c: (typeof chips)[number]) => (c.nodeId === 'local' ? t('browser.localArchive') : c.label);
  const title = (c: (typeof chips)[number]) => t(c.title.key, { ...c.title.values, ...('reason' in c.title.values ? { reason: saysText(t, c.says, String(c.title.values.reason)) } : {}) });
  return (
    <div className="node-status" aria-label={t('browser.nodes')}>
      {chips.map((c) => (
        <span key={c.nodeId} className={`chip ${c.state}`} title={title(c)} data-node-id={c.nodeId} data-state={c.state}>
          {label(c)}: {t(`browser.state.${c.state}`)}
        </span>
      ))}
      {problems.map((c) => (
        <div key={c.nodeId} className="node-problem" role="status">
          {label(c)} {title(c)}
        </div>
      ))}
    </div>
  );
}
