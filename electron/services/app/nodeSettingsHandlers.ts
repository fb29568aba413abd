/**
 * The settings window's PACS page (settings.nodes.get / save / test). Saving validates the whole settings with the
 * one schema, puts typed secrets into the secret store (never into settings.json), saves through the audited
 * SettingsStore (a Security Alert naming what changed) and has the services apply the new nodes at once.
 */
import type { Handlers, NodeSettingsState } from '../../../common/ipc/contract';
import { DokueiError, ErrorCode } from '../../../common/ipc/errors';
import { says } from '../../../common/i18n/says';
import type { NodeSettings } from '../../../common/settings/nodeSettings';
import type { HttpsMemory } from '../pacs/dicomweb/httpsMemory';
import { testNode } from '../pacs/nodeTest';
import type { SecretStore } from '../secrets/secretStore';
import { SettingsError, type Settings, type SettingsStore } from '../settings/settings';

export interface NodeSettingsDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  /** Rebuilds the PACS nodes (and the SCP) from saved settings; answers what the reader should know. */
  applyNodes(settings: Settings): Promise<string[]>;
  /** Where settings.json is, when there is one. */
  settingsFile?: string;
  httpsMemory?: HttpsMemory;
  log?: (message: string) => void;
}

/** Every secret ref a node names: its password, token or OAuth tokens, and its TLS client key. */
export function secretRefsOf(node: NodeSettings): string[] {
  if (node.kind !== 'dicomweb') return [];
  const refs: string[] = [];
  if (node.auth.type !== 'none') refs.push(node.auth.secretRef);
  if (node.tls?.clientKeySecretRef) refs.push(node.tls.clientKeySecretRef);
  return refs;
}

export function createNodeSettingsHandlers(deps: NodeSettingsDeps): Pick<Handlers['settings'], 'nodes.get' | 'nodes.save' | 'nodes.test'> {
  let notices: string[] = [];
  const state = (s: Settings): NodeSettingsState => ({
    nodes: s.nodes,
    secretsStored: Object.fromEntries(s.nodes.flatMap(secretRefsOf).map((ref) => [ref, deps.secrets.get(ref) !== undefined])),
    localScp: { aeTitle: s.localScp.aeTitle, port: s.localScp.port },
    ...(deps.settingsFile ? { settingsFile: deps.settingsFile } : {}),
    notices,
  });
  return {
    'nodes.get': async () => state(deps.settings.get()),
    'nodes.save': async ({ nodes, localScp, secrets = {} }) => {
      const before = deps.settings.get();
      const named = new Set(nodes.flatMap(secretRefsOf));
      const stray = Object.keys(secrets).filter((ref) => !named.has(ref));
      if (stray.length > 0) throw new DokueiError(ErrorCode.InvalidRequest, `No node names the secret ${stray.map((r) => `"${r}"`).join(', ')}: it was not saved`, says('services.nodes.straySecret', { refs: stray.map((r) => `"${r}"`).join(', ') }));
      const next = { ...before, nodes, localScp: { ...before.localScp, ...localScp } };
      try {
        // Validate first (the setter validates again): an invalid list must not leave secrets behind.
        deps.settings.set(next);
      } catch (err) {
        if (err instanceof SettingsError) throw new DokueiError(ErrorCode.InvalidRequest, err.message, says('services.settings.invalid', { detail: err.message }));
        throw err;
      }
      for (const [ref, value] of Object.entries(secrets)) deps.secrets.set(ref, value);
      // Secrets only removed nodes (or a changed auth) named go with them: nothing keeps a password no node uses.
      for (const ref of before.nodes.flatMap(secretRefsOf)) if (!named.has(ref)) deps.secrets.delete(ref);
      const saved = deps.settings.get();
      notices = await deps.applyNodes(saved);
      return state(saved);
    },
    'nodes.test': async ({ node, secrets }) => {
      const s = deps.settings.get();
      return testNode(node, {
        secrets: deps.secrets,
        ...(secrets ? { typedSecrets: secrets } : {}),
        localAeTitle: s.localScp.aeTitle,
        ...(deps.httpsMemory ? { httpsMemory: deps.httpsMemory } : {}),
        ...(deps.log ? { log: deps.log } : {}),
      });
    },
  };
}
