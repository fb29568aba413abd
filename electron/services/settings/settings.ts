/**
 * User settings behind one interface with one schema. The Electron app backs it with electron-store
 * (in electron/main); the browser host, CLI and tests with `conf`, the library electron-store wraps
 * (electron-store itself imports 'electron' and cannot load in plain Node).
 * Secrets (passwords, tokens, client keys) never live here: nodes name them by `secretRef`, and a
 * SecretStore (electron/services/secrets) keeps them encrypted.
 */
import { isIP } from 'node:net';
import Conf from 'conf';
import { z } from 'zod';

import { AeTitle, NodeSettings, nodeIdFromName } from '../../../common/settings/nodeSettings';
import { PrefetchSettings } from '../../../common/settings/prefetchSettings';

export { AeTitle, DicomwebAuth, DicomwebNodeSettings, DimseNodeSettings, NodeBase, NodeRole, NodeSettings, TlsSettings, nodeIdFromName } from '../../../common/settings/nodeSettings';

/**
 * DICOM TLS on our SCP (PS3.15 Annex B): when set, the SCP speaks only TLS (1.2 or later) and refuses plain
 * TCP callers. The files are PEM; the key must not be passphrase-protected (the SCP starts unattended).
 */
export const LocalScpTlsSettings = z.object({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
  /** When set, callers must present a client certificate signed by one of these CAs (mutual TLS). */
  caFile: z.string().min(1).optional(),
});
export type LocalScpTlsSettings = z.infer<typeof LocalScpTlsSettings>;

/**
 * Our own C-STORE SCP, the destination of C-MOVE. Admits only configured DIMSE nodes: a node's AE title
 * calling from that node's host (see electron/services/pacs/dimse/scpPeers.ts).
 */
export const LocalScpSettings = z.object({
  aeTitle: AeTitle.default('DOKUEI'),
  port: z.number().int().min(0).max(65535).default(11112),
  enabled: z.boolean().default(true),
  /**
   * The local IP address to listen on. Absent: the address this computer uses to reach the DIMSE nodes
   * (127.0.0.1 for nodes on this computer). "0.0.0.0" (or "::") listens on every interface.
   */
  bindAddress: z
    .string()
    .refine((a) => isIP(a) !== 0, 'The local SCP bind address must be an IP address of this computer (such as 192.168.1.20), or 0.0.0.0 for every interface')
    .optional(),
  tls: LocalScpTlsSettings.optional(),
});
export type LocalScpSettings = z.infer<typeof LocalScpSettings>;

/** The local encrypted archive. */
export const ArchiveSettings = z.object({
  /** Size limit in GB (1 GB = 1024³ bytes, as the storage panel shows sizes); no limit when absent. */
  quotaGb: z.number().min(0.1, 'The quota is at least 0.1 GB').max(100000, 'The quota is at most 100000 GB').optional(),
  /** The archive folder (absolute); `<data-dir>/archive` when absent. Read at start-up: a change applies at the next start. */
  dir: z.string().min(1).max(4096).refine((d) => d.startsWith('/') || /^[A-Za-z]:[\\/]/.test(d), 'The archive folder must be an absolute path').optional(),
});
export type ArchiveSettings = z.infer<typeof ArchiveSettings>;

/**
 * Forwarding of the audit trail to an audit record repository (IHE ATNA): each record as an RFC 5424 syslog message
 * over TLS (RFC 5425), see electron/services/audit/forwarding. Off unless enabled; read at start-up. The files are
 * PEM: the repository's certificate must be signed by `caFile` (only that CA is trusted) and name `serverName`
 * (default `host`); `certFile` + `keyFile` (key without passphrase) give the client certificate for mutual TLS.
 */
export const AuditForwardingSettings = z
  .object({
    enabled: z.boolean().default(false),
    host: z.string().min(1).max(253).optional(),
    /** 6514: the port IANA assigned to syslog over TLS (RFC 5425). */
    port: z.number().int().min(1, 'The audit repository port is 1–65535').max(65535, 'The audit repository port is 1–65535').default(6514),
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** The name the repository's certificate must carry, when it is not `host` (e.g. host given as an IP address). */
    serverName: z.string().min(1).max(253).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.enabled && !f.host) ctx.addIssue({ code: 'custom', path: ['host'], message: "Audit forwarding needs the audit repository's host name or address" });
    if (f.enabled && !f.caFile) {
      ctx.addIssue({ code: 'custom', path: ['caFile'], message: "Audit forwarding needs caFile: the PEM file of the CA that signed the audit repository's certificate" });
    }
    if (!f.certFile !== !f.keyFile) {
      ctx.addIssue({ code: 'custom', path: [f.certFile ? 'keyFile' : 'certFile'], message: 'certFile and keyFile go together: the client certificate (mutual TLS) and its key' });
    }
  });
export type AuditForwardingSettings = z.infer<typeof AuditForwardingSettings>;

export const AuditSettings = z.object({
  forwarding: AuditForwardingSettings.optional(),
});
export type AuditSettings = z.infer<typeof AuditSettings>;

/**
 * The reader's viewer keys: action (common/viewer/shortcuts.ts, e.g. "wlPreset2") → one key spec ("Shift+L"),
 * several, or null to leave the action unbound. Actions not listed keep their default keys. Only the shape is
 * checked here, so a hand-edited file with an unknown action or a bad key still loads: shortcuts.get reports
 * those entries (and ignores them), shortcuts.set refuses them.
 */
const KeySpecText = z.string().min(1).max(64);
export const ShortcutOverrides = z.record(z.string().min(1).max(64), z.union([KeySpecText, z.array(KeySpecText).max(8), z.null()]));
export type ShortcutOverrides = z.infer<typeof ShortcutOverrides>;

/** The overrides as a shortcuts file (the format mergeShortcuts reads): a spec becomes [spec], null becomes []. */
export function shortcutFileFromOverrides(overrides: ShortcutOverrides): { version: 1; bindings: Record<string, string[]> } {
  const bindings = Object.fromEntries(Object.entries(overrides).map(([action, v]) => [action, v === null ? [] : typeof v === 'string' ? [v] : [...v]]));
  return { version: 1, bindings };
}

export { PrefetchSettings } from '../../../common/settings/prefetchSettings';

/** Bytes of a quota given in GB (see ArchiveSettings). */
export const quotaGbToBytes = (gb: number): number => Math.round(gb * 1024 ** 3);

/**
 * The settings file's version: 1 since node ids (foundation-era files had none and read as 0). Later additions
 * (archive, shortcuts, audit, allowInsecureCredentials) were optional fields that older files simply lack, so they
 * need no step; a change that does gets the next number and a step in SETTINGS_MIGRATIONS.
 */
export const SETTINGS_VERSION = 1;

export const Settings = z
  .object({
    /** Written on every save (see SETTINGS_VERSION); a file without it is from before versions were recorded. */
    version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
    nodes: z.array(NodeSettings).default([]),
    localScp: LocalScpSettings.default({ aeTitle: 'DOKUEI', port: 11112, enabled: true }),
    /** Import the bundled demo study into an empty store when no node is configured. */
    seedDemo: z.boolean().default(true),
    /** Archive options (quota); absent: no quota. */
    archive: ArchiveSettings.optional(),
    /** Viewer key overrides (see ShortcutOverrides); absent: the default keys. */
    shortcuts: ShortcutOverrides.optional(),
    /** Audit trail options (forwarding to an audit repository); absent: no forwarding. */
    audit: AuditSettings.optional(),
    /** Prefetch rules (see PrefetchSettings); absent: priors on open (3), nothing at start. */
    prefetch: PrefetchSettings.optional(),
    /**
     * The reader's own hanging protocols (imported in the settings window), over the built-in ones (same id: theirs
     * wins). Only the shape is checked here, so a hand-edited file still loads: the viewer checks each protocol with
     * common/viewer/hangingProtocols.ts, uses the valid ones and reports the rest; settings.protocols.set refuses them.
     */
    hangingProtocols: z.array(z.record(z.string(), z.unknown())).max(200).optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.nodes.forEach((n, i) => {
      if (seen.has(n.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `Duplicate node id "${n.id}"` });
      seen.add(n.id);
    });
  });
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

export interface SettingsStore {
  /** The file the settings are saved in (settings.json); absent for settings held in memory. */
  readonly path?: string;
  get(): Settings;
  set(settings: SettingsInput): void;
}

export class SettingsError extends Error {}

export function parseSettings(raw: unknown, where: string): Settings {
  const parsed = Settings.safeParse(migrateSettings(raw ?? {}, where));
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SettingsError(`Settings in ${where} are invalid: ${detail}`);
  }
  return parsed.data;
}

type RawSettings = Record<string, unknown>;

/**
 * One step per version: SETTINGS_MIGRATIONS[n] turns a version-n file into version n+1. Steps take what a user's
 * file may hold (hand-edited, partly invalid) and leave validation to the schema.
 */
export const SETTINGS_MIGRATIONS: ReadonlyArray<{ to: number; what: string; run(raw: RawSettings): RawSettings }> = [
  {
    to: 1,
    what: 'nodes get ids (derived from their names), used by secret refs, jobs and the CLI',
    run(raw) {
      if (!Array.isArray(raw.nodes)) return raw;
      const nodes = (raw.nodes as unknown[]).map((n, i) => {
        if (!n || typeof n !== 'object' || 'id' in n) return n;
        return { ...n, id: nodeIdFromName(String((n as { name?: unknown }).name ?? ''), `node-${i + 1}`) };
      });
      return { ...raw, nodes };
    },
  },
];

/** Brings settings of any earlier version to SETTINGS_VERSION; a file from a newer Dokuei is refused, not guessed at. */
export function migrateSettings(raw: unknown, where = 'the settings'): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  let value = raw as RawSettings;
  const from = value.version === undefined ? 0 : value.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) return raw; // the schema says what is wrong
  if (from > SETTINGS_VERSION) {
    throw new SettingsError(`Settings in ${where} are version ${from}, written by a newer Dokuei; this one reads up to version ${SETTINGS_VERSION}. Update Dokuei, or restore a settings file from this version.`);
  }
  for (const step of SETTINGS_MIGRATIONS) if (step.to > from) value = { ...step.run(value), version: step.to };
  return value;
}

export class ConfSettingsStore implements SettingsStore {
  private readonly conf: Conf<Record<string, unknown>>;

  /** @param cwd folder holding settings.json; defaults to the per-user config folder for "dokuei". */
  constructor(cwd?: string) {
    this.conf = new Conf<Record<string, unknown>>({ projectName: 'dokuei', cwd, configName: 'settings' });
  }

  get path(): string {
    return this.conf.path;
  }

  get(): Settings {
    return parseSettings(this.conf.store, this.conf.path);
  }

  set(settings: SettingsInput): void {
    this.conf.store = parseSettings(settings, 'the new settings') as unknown as Record<string, unknown>;
  }
}

/** Settings that live only in memory (tests, one-off CLI runs with --upstream). */
export class MemorySettingsStore implements SettingsStore {
  private value: Settings;
  constructor(initial: unknown = {}) {
    this.value = parseSettings(initial, 'memory');
  }
  get(): Settings {
    return this.value;
  }
  set(settings: SettingsInput): void {
    this.value = parseSettings(settings, 'the new settings');
  }
}
