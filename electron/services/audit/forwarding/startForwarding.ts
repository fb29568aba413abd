/** The one place the hosts start forwarding from (createServices): only when the settings enable it. */
import type { AuditForwardingSettings } from '../../settings/settings';
import { SyslogTlsForwarder, type ForwardSource } from './syslogTlsForwarder';

export function startAuditForwarding(source: ForwardSource, settings: AuditForwardingSettings | undefined, log: (message: string) => void): SyslogTlsForwarder | undefined {
  if (!settings?.enabled) return undefined;
  return SyslogTlsForwarder.start({ source, settings, log });
}
