/**
 * Wires the services one host needs: settings → PACS nodes (and our C-STORE SCP for C-MOVE), the local
 * store (seeded with the demo study on a first run without PACS), the gateway, retrieve jobs and the IPC
 * handlers. Every host (Electron, browser host, CLI) calls this, so they behave the same.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RetrieveJob } from '../../../common/dicom/retrieveJob';
import type { Handlers } from '../../../common/ipc/contract';
import { NodeHealth } from '../pacs/nodeHealth';
import { probeNodes, startHealthProbes } from '../pacs/healthProbes';
import { createGateway, type DataPlaneGateway } from '../gateway/gateway';
import { DicomwebUpstream } from '../pacs/upstream';
import { RetrieveJobs } from '../jobs/retrieveJobs';
import { Prefetcher } from '../prefetch/prefetcher';
import { createPacsNodes, type PacsNodeSet } from '../pacs/nodeFactory';
import { FileHttpsMemory } from '../pacs/dicomweb/httpsMemory';
import type { PacsNode } from '../pacs/pacsNode';
import type { SecretStore } from '../secrets/secretStore';
import { quotaGbToBytes, type SettingsStore } from '../settings/settings';
import { describeJournalDamage, EncryptedArchive } from '../archive/encryptedArchive';
import type { KeyProvider } from '../archive/keyProvider';
import type { InstanceStore } from '../store/instanceStore';
import { importPaths } from '../store/importPaths';
import { SuvCorrections } from '../suv/corrections';
import { createHandlers } from './handlers';
import type { PathGrants } from './pathGrants';
import { applicationActivity } from '../../../common/audit/builders';
import { AuditLog } from '../audit/auditLog';
import { processAuditContext } from '../audit/processContext';
import { auditSink, type AuditSink } from '../audit/auditSink';
import { startAuditForwarding } from '../audit/forwarding/startForwarding';
import type { SyslogTlsForwarder } from '../audit/forwarding/syslogTlsForwarder';
import { auditedSettings } from '../settings/auditedSettings';
import { suvCorrectionRecorder } from '../suv/correctionAudit';

export const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources/demo');

export interface ServicesOptions {
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  host: 'electron' | 'browser' | 'cli';
  version: string;
  dataPlaneBaseUrl: string;
  /** Path prefix of the data plane in request URLs seen by the gateway. */
  gatewayBasePath: string;
  demoDir?: string;
  /** The encrypted archive folder (default `<dataDir>/archive`). */
  archiveDir?: string;
  /**
   * Wraps the data keys of the archive, audit log and SUV corrections: the data folder's key once its custody
   * is unlocked (../custody/openFolder.ts). Never a key stored in the data folder.
   */
  keyProvider: KeyProvider;
  /** What the key custody has to say on every start (a legacy key beside the data): added to the notices. */
  keyNotices?: readonly string[];
  /** How often nodes that are not online are probed (default 30 s). */
  probeIntervalMs?: number;
  /** The CLI never seeds the demo study, whatever the settings say. */
  seedDemo?: boolean;
  /** What each window may read from disk (files.inspect, import); Electron's main grants its dialogs' picks into it. */
  pathGrants?: PathGrants;
  log?: (message: string) => void;
}

export interface Services {
  store: InstanceStore;
  gateway: DataPlaneGateway;
  handlers: Handlers;
  upstreams: DicomwebUpstream[];
  nodes: readonly PacsNode[];
  jobs: RetrieveJobs;
  /** Background prefetch (rules → 'prefetch' retrieve jobs), resumed from its encrypted queue at start. */
  prefetch: Prefetcher;
  /** What happened at start-up that a user should know (demo seeded, unreadable files skipped). */
  notices: string[];
  /** Store changes, at most every `intervalMs` (a retrieve stores instances one by one). */
  onStoreChanged(listener: (counts: { studies: number; instances: number }) => void, intervalMs?: number): () => void;
  onRetrieveProgress(listener: (job: RetrieveJob) => void): () => void;
  /** Node health (online/degraded/offline) from reads and searches. */
  health: NodeHealth;
  onNodeHealth(listener: () => void): () => void;
  /** The audit trail (`<dataDir>/audit`): Application Start is recorded at open, Application Stop by close(). */
  audit: AuditLog;
  /** Records into `audit` without waiting (what the services are given); failures go to the log. */
  auditSink: AuditSink;
  /** Syslog-TLS forwarding of `audit` to the audit repository (settings audit.forwarding), when enabled. */
  auditForwarding?: SyslogTlsForwarder;
  /** Cancels running retrieves, closes sockets and the SCP, and records Application Stop. */
  close(): Promise<void>;
}

export async function createServices(options: ServicesOptions): Promise<Services> {
  const log = options.log ?? (() => {});
  const settings = options.settings.get();
  const notices: string[] = [...(options.keyNotices ?? [])];
  // The notices the reader must see in the app too, not only in a log (AppInfo.alerts): a key beside the data,
  // files set aside, damage in the archive's index.
  const alerts: string[] = [...(options.keyNotices ?? [])];
  const archiveDir = options.archiveDir ?? settings.archive?.dir ?? path.join(options.dataDir, 'archive');
  const keyProvider = options.keyProvider;
  const quotaGb = settings.archive?.quotaGb;
  // The audit log first (its key is its own, not the archive's): the archive records pins, evictions and
  // tampered files through the sink. Application Start is still the first record, once the archive opened.
  const auditContext = processAuditContext();
  const audit = await AuditLog.open(options.dataDir, { keyProvider, context: auditContext });
  const auditSinkOf = auditSink(audit, auditContext, log);
  const store = await EncryptedArchive.open(archiveDir, {
    keyProvider,
    audit: auditSinkOf,
    ...(quotaGb !== undefined ? { quotaBytes: quotaGbToBytes(quotaGb) } : {}),
    onSkip: (file, reason) => {
      const text = `Quarantined an unreadable file in the local archive: ${file} (${reason})`;
      notices.push(text);
      alerts.push(text);
    },
  });
  // Damage in the archive's index journal: repaired at open, said here (and in the audit trail, by the archive).
  const archiveAlerts = store.startup.journalDamage.map(describeJournalDamage);
  if (store.startup.userStateRestored) archiveAlerts.push("The local archive's pins, access times and study states were taken from their second copy (state.enc), as its index journal had lost records.");
  notices.push(...archiveAlerts);
  alerts.push(...archiveAlerts);
  // Opened with the archive, under the same key provider (its own key): the start is the first thing recorded.
  await audit.append(applicationActivity(auditContext, { kind: 'start' }));
  // The foundation's unencrypted store is left untouched: nothing reads it any more.
  if (existsSync(path.join(options.dataDir, 'store'))) {
    notices.push(`An older unencrypted store is still in ${path.join(options.dataDir, 'store')}: import it with 'dokuei import' and then delete it.`);
  }
  // One memory of the nodes used over https for the whole process (the nodes, their tests, their replacements).
  const httpsMemory = new FileHttpsMemory(options.dataDir);
  const nodeDeps = { secrets: options.secrets, log, httpsMemory, audit: auditSinkOf };
  // Replaced as a whole when the settings window saves the nodes (applyNodes): everything that talks to nodes reads
  // it through `() => pacs.nodes`, and the gateway and handlers share the one `upstreams` array, updated in place.
  let pacs: PacsNodeSet = await createPacsNodes(settings, nodeDeps);
  notices.push(...pacs.notices);
  const upstreamsOf = (set: PacsNodeSet) =>
    set.nodes
      .filter((n) => n.settings.enabled && n.settings.kind === 'dicomweb')
      .sort((a, b) => a.settings.priority - b.settings.priority)
      .map((n) => set.upstreamFor(n));
  const upstreams: DicomwebUpstream[] = upstreamsOf(pacs);
  const seedDemo = options.seedDemo ?? settings.seedDemo;
  if (seedDemo && settings.nodes.length === 0 && store.counts().instances === 0) {
    const result = await importPaths(store, [options.demoDir ?? DEMO_DIR]);
    notices.push(`No PACS configured: loaded the demo study (${result.imported} images) into the local store.`);
    for (const f of result.failed) if (!f.path.endsWith('.txt')) notices.push(`Demo file not imported: ${f.path}: ${f.reason}`);
  }
  const progressListeners = new Set<(job: RetrieveJob) => void>();
  const jobs = new RetrieveJobs({
    audit: auditSinkOf,
    nodes: () => pacs.nodes,
    store,
    onUpdate: (job) => {
      for (const l of progressListeners) l(job);
    },
  });
  // After the archive is open (its key.json exists): the queue key is derived from the archive's data key.
  const prefetch = await Prefetcher.openForArchive({ jobs, store, nodes: () => pacs.nodes, dataDir: options.dataDir, archiveDir, keyProvider, log });
  notices.push(...prefetch.notices);
  // The day's worklist ahead of the reader, when the settings ask for it (never in the short-lived CLI).
  if (settings.prefetch?.todayOnStart && options.host !== 'cli') {
    void prefetch.queueToday().then(
      (o) => log(`Prefetch of today's studies at start: ${o.queued.length} queued, ${o.skipped.length} skipped${o.errors.length ? `; ${o.errors.join('; ')}` : ''}`),
      (err: unknown) => log(`Prefetch of today's studies at start failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
  // One view of each node's health: the gateway's reads and the searches both report into it.
  const health = new NodeHealth();
  // Active probes (not in the short-lived CLI): a node coming back or going down shows before a reader needs it.
  const stopProbes = options.host === 'cli' ? () => {} : startHealthProbes({ nodes: () => pacs.nodes, health, intervalMs: options.probeIntervalMs });
  if (options.host !== 'cli') void probeNodes(pacs.nodes, health, true);
  const gateway = createGateway({ store, upstreams, basePath: options.gatewayBasePath, log, health, audit: auditSinkOf });
  // Encrypted under the archive's key provider (its own key). Opened now, so the plaintext of an earlier version is
  // imported at start; an altered file is reported here and refused by every call, and the app still starts.
  const suvCorrections = new SuvCorrections({ dataDir: options.dataDir, store, keyProvider, log, onCorrection: suvCorrectionRecorder(auditSinkOf) });
  await suvCorrections.ready().catch((err: unknown) => notices.push(`SUV corrections cannot be used: ${err instanceof Error ? err.message : String(err)}`));
  // Every save through the handlers (quota, archive folder, viewer keys, nodes, prefetch, protocols) is recorded.
  const recordedSettings = auditedSettings(options.settings, auditSinkOf);
  const handlers = createHandlers({
    store,
    archive: store,
    defaultArchiveDir: path.join(options.dataDir, 'archive'),
    settings: recordedSettings,
    audit: auditSinkOf,
    auditLog: audit,
    prefetch,
    health,
    upstreams,
    nodes: () => pacs.nodes,
    jobs,
    host: options.host === 'cli' ? 'browser' : options.host,
    alerts,
    version: options.version,
    dataPlaneBaseUrl: options.dataPlaneBaseUrl,
    log,
    suvCorrections,
    ...(options.pathGrants ? { pathGrants: options.pathGrants } : {}),
    nodeSettings: {
      settings: recordedSettings,
      secrets: options.secrets,
      httpsMemory,
      log,
      ...(options.settings.path ? { settingsFile: options.settings.path } : {}),
      applyNodes: async (next) => {
        // The old set first: its SCP holds the port the new one may want. A retrieve running on it fails
        // (its job says so); the reader saved new nodes and gets them.
        await pacs.close();
        pacs = await createPacsNodes(next, nodeDeps);
        upstreams.splice(0, upstreams.length, ...upstreamsOf(pacs));
        if (options.host !== 'cli') void probeNodes(pacs.nodes, health, true);
        for (const n of pacs.notices) log(n);
        return pacs.notices;
      },
    },
  });
  for (const n of notices) log(n);
  // Last, so a failed start leaves nothing running; what was recorded meanwhile waits in the log (the queue).
  const auditForwarding = startAuditForwarding(audit, settings.audit?.forwarding, log);
  return {
    store,
    gateway,
    handlers,
    upstreams,
    get nodes() {
      return pacs.nodes;
    },
    jobs,
    prefetch,
    health,
    notices,
    audit,
    auditSink: auditSinkOf,
    ...(auditForwarding ? { auditForwarding } : {}),
    onNodeHealth(listener) {
      return health.onChange(listener);
    },
    onStoreChanged(listener, intervalMs = 500) {
      let timer: NodeJS.Timeout | undefined;
      let last = 0;
      const fire = () => {
        timer = undefined;
        last = Date.now();
        const c = store.counts();
        listener({ studies: c.studies, instances: c.instances });
      };
      const off = store.onChange(() => {
        if (timer) return;
        const wait = Math.max(0, last + intervalMs - Date.now());
        timer = setTimeout(fire, wait);
      });
      return () => {
        off();
        clearTimeout(timer);
      };
    },
    onRetrieveProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    async close() {
      stopProbes();
      const prefetchClosed = prefetch.close(); // first: its running jobs stay queued on disk, to resume
      jobs.cancelAll();
      await prefetchClosed;
      await gateway.close(); // stops background store-through before the nodes' sockets close
      await pacs.close();
      await store.close();
      await audit.append(applicationActivity(auditContext, { kind: 'stop' }));
      // A short wait for the repository to take the last records (Application Stop); the rest stay queued.
      await auditForwarding?.stop({ flushMs: 2000 });
      await audit.close();
    },
  };
}
