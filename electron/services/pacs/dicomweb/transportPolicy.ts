/**
 * What may travel over plain http:// to a DICOMweb node.
 *
 * - Credentials (a Basic password, a bearer token, an OAuth access token, the OAuth code exchange and refresh,
 *   and the OAuth sign-in page the browser opens) go over https only, unless the node's settings say
 *   `allowInsecureCredentials: true`. Loopback addresses are not exempt: the point is that a person decided,
 *   in writing, and the UI shows it. Requests without credentials to an http:// node are not affected.
 * - A node once used over https is never downgraded to http (see httpsMemory.ts), credentials or not.
 * - Every use the setting allows is reported (reportInsecureCredentialUse): a log warning and a Security Alert
 *   in the audit trail, both throttled alike.
 */
import { securityAlert } from '../../../../common/audit/builders';
import { EventTypeCode, Outcome } from '../../../../common/audit/codes';
import type { AuditSink } from '../../audit/auditSink';
import type { DicomwebNodeSettings, NodeSettings } from '../../settings/settings';
import { PacsError } from '../pacsNode';
import type { HttpsMemory } from './httpsMemory';

/** The node setting that allows credentials over http (named in every refusal). */
export const INSECURE_CREDENTIALS_SETTING = 'allowInsecureCredentials';

/** Where credentials go: the node's DICOMweb URL, the OAuth token endpoint, or the sign-in page the browser opens. */
export type CredentialTarget = 'node' | 'token-endpoint' | 'sign-in';

export interface CredentialUse {
  target: CredentialTarget;
  url: string;
  /** What travels, in words for messages ("a password"). */
  carries: string;
}

const isPlainHttp = (url: string): boolean => new URL(url).protocol === 'http:';
const originOf = (url: string): string => new URL(url).origin;

/** Every URL this node sends credentials to, with what each carries; none for auth type 'none'. */
export function credentialUses(settings: DicomwebNodeSettings): CredentialUse[] {
  const auth = settings.auth;
  switch (auth.type) {
    case 'none':
      return [];
    case 'basic':
      return [{ target: 'node', url: settings.url, carries: 'a password' }];
    case 'bearer':
      return [{ target: 'node', url: settings.url, carries: 'a bearer token' }];
    case 'oauth2':
      return [
        { target: 'node', url: settings.url, carries: 'an OAuth access token' },
        { target: 'token-endpoint', url: auth.tokenUrl, carries: 'OAuth authorization codes and refresh tokens' },
        // Dokuei sends nothing secret there itself, but the user types a password into that page.
        { target: 'sign-in', url: auth.authorizationUrl, carries: 'the sign-in (the password typed into the sign-in page)' },
      ];
  }
}

/** A node allowed to send credentials over http://, and that does: the UI shows it with a warning. */
export function isInsecureNode(settings: NodeSettings): boolean {
  return settings.kind === 'dicomweb' && settings.allowInsecureCredentials === true && credentialUses(settings).some((u) => isPlainHttp(u.url));
}

/**
 * Called before credentials go to `target`. Throws a PacsError ('tls') naming the setting when they would go
 * over http:// without it; returns the use to report when they go over http:// with it; undefined otherwise
 * (https, or no credentials).
 */
export function checkCredentialTransport(settings: DicomwebNodeSettings, target: CredentialTarget): CredentialUse | undefined {
  const use = credentialUses(settings).find((u) => u.target === target);
  if (!use || !isPlainHttp(use.url)) return undefined;
  if (settings.allowInsecureCredentials === true) return use;
  const where = { node: 'its DICOMweb URL', 'token-endpoint': 'its OAuth token endpoint', 'sign-in': 'its OAuth sign-in page' }[target];
  throw new PacsError(
    'tls',
    settings.id,
    `${settings.name}: refusing to send ${use.carries} over plain http:// (${where} is ${originOf(use.url)}), where anyone on the network path can read it. ` +
      `Use an https:// URL, or set "${INSECURE_CREDENTIALS_SETTING}": true for node "${settings.id}" in settings.json (not recommended)`,
  );
}

/** Throws a PacsError ('tls') when the node's URL is http:// but the node has been used over https before. */
export function checkNoDowngrade(settings: DicomwebNodeSettings, memory: HttpsMemory): void {
  if (!isPlainHttp(settings.url)) return;
  let record;
  try {
    record = memory.get(settings.id);
  } catch (err) {
    throw new PacsError('tls', settings.id, `${settings.name}: ${(err as Error).message}`, { cause: err });
  }
  if (!record) return;
  throw new PacsError(
    'tls',
    settings.id,
    `${settings.name}: this node was used over https:// (${record.url}, since ${record.since}) and its URL is now http:// (${originOf(settings.url)}): ` +
      `refusing to downgrade to an unencrypted connection. Use its https:// URL again; if the node really has no https any more, ${memory.clearHint(settings.id)}`,
  );
}

/** Where reportInsecureCredentialUse writes, and what it remembers to keep the log readable. */
export interface InsecureUseLog {
  log: (message: string) => void;
  now: () => number;
  /** Per node and target: when a warning was last written, and the uses since then not yet written. */
  readonly recent: Map<string, { loggedAt: number; unlogged: number }>;
  /** The audit trail: each warning written is also a Security Alert there. */
  audit?: AuditSink;
}

export function insecureUseLog(log: (message: string) => void, now: () => number = Date.now, audit?: AuditSink): InsecureUseLog {
  return { log, now, recent: new Map(), ...(audit ? { audit } : {}) };
}

const LOG_EVERY_MS = 60_000;

/**
 * Called each time credentials go over http:// to a node marked allowInsecureCredentials. Writes a warning:
 * the first use at once, later ones at most once a minute per node and target with their count, so that a
 * retrieve fetching a thousand frames does not bury the log. The audit trail gets a Security Alert with each
 * warning, on the same throttle and with the same count: one fsynced record per frame would slow the retrieve
 * and bury the trail as it would the log, and the count keeps every use accounted for.
 */
export function reportInsecureCredentialUse(node: { id: string; name: string }, use: CredentialUse, to: InsecureUseLog): void {
  const key = `${node.id}\u0000${use.target}`;
  const now = to.now();
  const seen = to.recent.get(key);
  if (seen && now - seen.loggedAt < LOG_EVERY_MS) {
    seen.unlogged++;
    return;
  }
  const count = seen ? ` (${seen.unlogged + 1} times in the last ${Math.round((now - seen.loggedAt) / 1000)} s)` : '';
  to.recent.set(key, { loggedAt: now, unlogged: 0 });
  const what = `${node.name} (node "${node.id}"): sent ${use.carries} over plain http:// to ${originOf(use.url)}${count}, because ${INSECURE_CREDENTIALS_SETTING} is set for this node`;
  to.log(`WARNING insecure transport: ${what}: anyone on the network path can read it`);
  to.audit?.record((ctx) => securityAlert(ctx, { type: EventTypeCode.UseOfRestrictedFunction, subject: use.url, description: `Credentials over an insecure transport: ${what}`, outcome: Outcome.MinorFailure }));
}
