/**
 * Query records of the federated searches (the UI's study and series lists, `dokuei query`): one per place
 * asked (the local archive and each node), with the keys as sent, so the trail shows which patients were
 * looked for where. A node that failed to answer still was asked: its record has a failure outcome.
 */
import { query, type NodeRef } from '../../../common/audit/builders';
import { Outcome } from '../../../common/audit/codes';
import type { NodeOutcome } from '../../../common/dicom/federation';
import type { AuditSink } from '../audit/auditSink';
import { nodeRefOf } from '../audit/nodeRef';
import type { PacsNode } from '../pacs/pacsNode';

export const LOCAL_ARCHIVE_NAME = 'Local archive';

export function recordSearches(
  audit: AuditSink | undefined,
  asked: readonly NodeOutcome[],
  nodes: readonly PacsNode[],
  localRoot: string,
  keys: Readonly<Record<string, string | undefined>>,
): void {
  if (!audit) return;
  for (const o of asked) {
    const pacs = nodes.find((n) => n.settings.id === o.nodeId);
    const node: NodeRef = o.nodeId === 'local' ? { name: LOCAL_ARCHIVE_NAME, address: `file://${localRoot}` } : pacs ? nodeRefOf(pacs) : { name: o.name };
    const failed = o.state === 'unreachable' || o.state === 'error';
    audit.record((ctx) => query(ctx, { node, keys, ...(failed ? { outcome: Outcome.MinorFailure, outcomeDescription: o.error ?? o.state } : {}) }));
  }
}
