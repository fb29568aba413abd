/**
 * Wires the services one host needs: settings → upstream nodes, the local store (seeded with the demo
 * study on a first run without PACS), the gateway and the IPC handlers. Both hosts call this; neither
 * builds services on its own, so Electron and the browser host behave the same.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handlers } from '../../../common/ipc/contract';
import { createGateway, type Gateway } from '../gateway/gateway';
import { DicomwebUpstream } from '../gateway/upstream';
import type { SettingsStore } from '../settings/settings';
import { FsInstanceStore } from '../store/fsInstanceStore';
import type { InstanceStore } from '../store/instanceStore';
import { importPaths } from '../store/importPaths';
import { createHandlers } from './handlers';

export const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources/demo');

export interface ServicesOptions {
  dataDir: string;
  settings: SettingsStore;
  host: 'electron' | 'browser';
  version: string;
  dataPlaneBaseUrl: string;
  /** Path prefix of the data plane in request URLs seen by the gateway. */
  gatewayBasePath: string;
  demoDir?: string;
  log?: (message: string) => void;
}

export interface Services {
  store: InstanceStore;
  gateway: Gateway;
  handlers: Handlers;
  upstreams: DicomwebUpstream[];
  /** What happened at start-up that a user should know (demo seeded, unreadable files skipped). */
  notices: string[];
}

export async function createServices(options: ServicesOptions): Promise<Services> {
  const log = options.log ?? (() => {});
  const settings = options.settings.get();
  const notices: string[] = [];
  const store = await FsInstanceStore.open(path.join(options.dataDir, 'store'), (file, reason) =>
    notices.push(`Skipped unreadable file in the local store: ${file} (${reason})`),
  );
  const upstreams = settings.nodes
    .filter((n) => n.enabled && n.kind === 'dicomweb')
    .sort((a, b) => a.priority - b.priority)
    .map((n) => new DicomwebUpstream({ name: n.name, baseUrl: (n as { url: string }).url, timeoutMs: n.timeoutMs }));
  if (settings.seedDemo && upstreams.length === 0 && store.counts().instances === 0) {
    const result = await importPaths(store, [options.demoDir ?? DEMO_DIR]);
    notices.push(`No PACS configured: loaded the demo study (${result.imported} images) into the local store.`);
    for (const f of result.failed) if (!f.path.endsWith('.txt')) notices.push(`Demo file not imported: ${f.path}: ${f.reason}`);
  }
  const gateway = createGateway({ store, upstreams, basePath: options.gatewayBasePath, log });
  const handlers = createHandlers({ store, upstreams, host: options.host, version: options.version, dataPlaneBaseUrl: options.dataPlaneBaseUrl, log });
  for (const n of notices) log(n);
  return { store, gateway, handlers, upstreams, notices };
}
