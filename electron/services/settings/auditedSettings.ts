/**
 * A SettingsStore that records every saved change in the audit trail (a Security Alert typed by what changed,
 * settingsChanged in common/audit/builders.ts), whoever saves: the quota, the archive folder, the viewer keys,
 * nodes. It names the settings that changed, never their values (a node's settings name its secrets' refs;
 * a path may name a patient). A save that fails validation changed nothing and is not recorded.
 */
import { settingsChanged } from '../../../common/audit/builders';
import type { AuditSink } from '../audit/auditSink';
import type { Settings, SettingsInput, SettingsStore } from './settings';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Dotted names of what differs, one level into objects ("archive.quotaGb", "nodes", "localScp.port"). */
export function changedSettings(before: Settings, after: Settings): string[] {
  const changed: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof Settings>;
  for (const k of [...keys].sort()) {
    const isGroup = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
    // An absent group (no archive settings yet) compares as an empty one, so the setting inside is named.
    const a = (before[k] as unknown) ?? (isGroup(after[k]) ? {} : undefined);
    const b = (after[k] as unknown) ?? (isGroup(before[k]) ? {} : undefined);
    if (same(a, b)) continue;
    if (!isGroup(a) || !isGroup(b)) {
      changed.push(k);
      continue;
    }
    const inner = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const i of [...inner].sort()) if (!same(a[i], b[i])) changed.push(`${k}.${i}`);
  }
  return changed;
}

/** A node's security-relevant settings: its credentials, TLS and the http transport exception. */
function securityOf(n: Settings['nodes'][number] | undefined): string {
  if (!n || n.kind !== 'dicomweb') return JSON.stringify({ auth: { type: 'none' } });
  return JSON.stringify({ auth: n.auth, tls: n.tls, insecure: n.allowInsecureCredentials });
}

/** Credentials, TLS and the transport exception are security configuration; other node or SCP changes network. */
export function settingsArea(before: Settings, after: Settings, changed: readonly string[]): 'network' | 'security' | 'software' {
  const security = after.nodes.some((n) => securityOf(n) !== securityOf(before.nodes.find((b) => b.id === n.id)));
  // Audit forwarding decides where the audit trail goes and whom it trusts: security configuration too.
  if (security || changed.includes('localScp.tls') || changed.includes('audit.forwarding')) return 'security';
  if (changed.some((c) => c === 'nodes' || c.startsWith('localScp'))) return 'network';
  return 'software';
}

export function auditedSettings(inner: SettingsStore, audit: AuditSink | undefined, settingsUri?: string): SettingsStore {
  if (!audit) return inner;
  return {
    get: () => inner.get(),
    set(next: SettingsInput): void {
      const before = inner.get();
      inner.set(next);
      const after = inner.get();
      const changed = changedSettings(before, after);
      if (changed.length === 0) return;
      const area = settingsArea(before, after, changed);
      audit.record((ctx) => settingsChanged(ctx, { area, changed, ...(settingsUri ? { settingsUri } : {}) }));
    },
  };
}
