/** Nodes that send credentials over plain http (allowed in their settings): which, and what the warning says. Pure. */
import type { NodeInfo } from '../../../../common/ipc/contract';

export function insecureNodeIds(nodes: readonly Pick<NodeInfo, 'id' | 'insecure'>[]): ReadonlySet<string> {
  return new Set(nodes.filter((n) => n.insecure).map((n) => n.id));
}

/** The marker's tooltip: what is wrong, why it is allowed, and what fixes it. */
export function insecureNodeWarning(name: string): string {
  return (
    `Insecure: ${name} sends its password or tokens over plain http://, readable by anyone on the network, ` +
    'because allowInsecureCredentials is set for it in settings.json. Use an https:// URL to fix this.'
  );
}
