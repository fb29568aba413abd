/** A PACS node as an audit participant: its name and where it is (URL, or AE title at host:port). */
import type { NodeRef } from '../../../common/audit/builders';
import type { NodeSettings } from '../settings/settings';

export function nodeRefOf(node: { settings: NodeSettings }): NodeRef {
  const s = node.settings;
  return { name: s.name, address: s.kind === 'dicomweb' ? s.url : `${s.calledAeTitle}@${s.host}:${s.port}` };
}
