/**
 * IPC handlers: the services' side of every contract channel. Typed by the contract, so a channel
 * added there without a handler here fails to compile.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Handlers, ShortcutOverrides, ShortcutsState } from '../../../common/ipc/contract';
import { DEFAULT_SHORTCUTS, KeySpecError, mergeShortcuts, normalizeKeySpec, SHORTCUT_ACTION_IDS, SHORTCUT_ACTIONS, type ShortcutAction } from '../../../common/viewer/shortcuts';
import { DokueiError, ErrorCode, saysOf } from '../../../common/ipc/errors';
import { says } from '../../../common/i18n/says';
import { seriesFromDicomJson, type SeriesSummary } from '../../../common/dicom/model';
import type { DicomwebUpstream } from '../pacs/upstream';
import type { RetrieveJobs } from '../jobs/retrieveJobs';
import { RetrieveJobError } from '../jobs/retrieveJobs';
import { federatedStudySearch, findSeries, describeFailure } from '../pacs/federatedSearch';
import type { PacsNode } from '../pacs/pacsNode';
import { isInsecureNode } from '../pacs/dicomweb/transportPolicy';
import type { InstanceStore } from '../store/instanceStore';
import type { NodeHealth } from '../pacs/nodeHealth';
import type { NodeHealthRow } from '../../../common/ipc/contract';
import { importPaths, isDicomdir } from '../store/importPaths';
import { readDicomdir } from '../store/dicomdir';
import { inspectFile } from '../dicom/inspect';
import { SuvCorrectionError, SuvSeriesNotFoundError, type SuvCorrections } from '../suv/corrections';
import { PacsError } from '../pacs/pacsNode';
import { describeSend, sendAfterSave, sendInstances } from '../pacs/sendInstances';
import { RegistrationSeriesNotLocalError, saveRegistration } from '../registration/saveRegistration';
import { SpatialRegistrationError } from '../registration/spatialRegistration';
import { recordCsvExport, ReportNotLocalError, saveKeyImages, saveMeasurements } from '../reports/saveReports';
import { ReportWriteError } from '../reports/measurementReportWriter';
import { PrefetchSettings, quotaGbToBytes, SettingsError, shortcutFileFromOverrides, type SettingsStore } from '../settings/settings';
import { studyQueryToFilters } from '../../../common/dicom/studyQuery';
import type { AuditSink } from '../audit/auditSink';
import { recordSearches } from './searchAudit';
import { createAuditHandlers, type AuditLogReader } from './auditHandlers';
import { createNodeSettingsHandlers, type NodeSettingsDeps } from './nodeSettingsHandlers';
import { escapeLogText } from './logText';
import { PathGrants } from './pathGrants';
import { defaultUserName } from '../identity/userName';

/** What the storage panel needs from the archive (EncryptedArchive provides it). */
export interface ArchiveView {
  usage(): {
    totalBytes: number;
    quotaBytes?: number;
    byModality: Record<string, number>;
    studies: { pinned: boolean }[];
    history?: { day: string; bytes: number }[];
    projection?: { bytesPerDay: number; quotaFullOn?: string };
    location?: string;
  };
  /** Applies a new quota at once (undefined: none), evicting LRU studies when over it. */
  setQuota?(bytes: number | undefined): Promise<unknown>;
}

/** The part of the Prefetcher the handlers use. */
export interface PrefetchView {
  onStudyOpened(studyUid: string, patientId: string, count?: number): Promise<{ queued: unknown[]; skipped: unknown[]; errors: string[] }>;
}

export interface HandlerDeps {
  store: InstanceStore;
  /** `<data-dir>/archive`, where the archive goes when no folder is set. */
  defaultArchiveDir?: string;
  prefetch?: PrefetchView;
  archive: ArchiveView;
  /** Where archive.setQuota saves the quota. */
  settings?: SettingsStore;
  health: NodeHealth;
  upstreams: readonly DicomwebUpstream[];
  nodes: () => readonly PacsNode[];
  jobs: RetrieveJobs;
  host: 'electron' | 'browser';
  version: string;
  dataPlaneBaseUrl: string;
  /** Start-up alerts for the reader (AppInfo.alerts); read at each getInfo, so later ones show too. */
  alerts?: readonly string[];
  log: (message: string) => void;
  /** SUV recalculation: corrected inputs with provenance, audit log, RWVM instances (absent: not in this host). */
  suvCorrections?: SuvCorrections;
  /** The audit trail: searches, sends and saved registrations are recorded here (absent: not recorded). */
  audit?: AuditSink;
  /** The audit log the audit panel reads (absent: its channels say there is none). */
  auditLog?: AuditLogReader;
  /**
   * What each window may read from disk (files.inspect, store.importPaths); absent: a set of its own. The Electron
   * host grants dialog picks into the same set and puts a native confirm in front of files.grant (electron/main).
   */
  pathGrants?: PathGrants;
  /** The settings window's PACS page (absent: its channels say this host cannot change nodes). */
  nodeSettings?: NodeSettingsDeps;
}

function endpointOf(node: PacsNode): string {
  const s = node.settings;
  return s.kind === 'dicomweb' ? s.url : `${s.calledAeTitle}@${s.host}:${s.port}`;
}

/** Every configured node with its health; a node not talked to since start-up is 'unknown'. */
export function nodeHealthRows(nodes: readonly PacsNode[], health: NodeHealth): NodeHealthRow[] {
  const byName = new Map(health.snapshot().map((e) => [e.name, e]));
  return nodes.map((n) => {
    const e = byName.get(n.settings.name);
    const row: NodeHealthRow = { nodeId: n.settings.id, name: n.settings.name, state: e && (e.lastSuccessAt || e.lastFailureAt) ? e.state : 'unknown' };
    if (e?.lastFailure) row.lastFailure = e.lastFailure;
    if (e?.retryAt && e.state === 'offline') row.retryAt = e.retryAt;
    return row;
  });
}

/** The viewer keys that apply with these saved overrides (settings.shortcuts), and what was wrong with them. */
export function shortcutsState(overrides: Record<string, string | string[] | null> | undefined): ShortcutsState {
  const merged = mergeShortcuts(overrides ? shortcutFileFromOverrides(overrides) : undefined, DEFAULT_SHORTCUTS);
  return { map: merged.map, defaults: DEFAULT_SHORTCUTS, errors: merged.errors, notes: merged.notes };
}

const describeAction = (a: ShortcutAction) => `"${SHORTCUT_ACTIONS[a]}" (${a})`;

/**
 * Why these overrides cannot be saved, as sentences (none: they can): an invalid key, or a key that would trigger
 * two actions once the overrides are laid over the defaults. Stricter than mergeShortcuts, which silently takes a
 * key from its default owner: what the reader saves is exactly what applies.
 */
export function shortcutOverrideProblems(overrides: ShortcutOverrides): string[] {
  const problems: string[] = [];
  const owner = new Map<string, ShortcutAction>();
  for (const action of SHORTCUT_ACTION_IDS) {
    const given = overrides[action];
    const specs = given === undefined ? DEFAULT_SHORTCUTS[action] : given === null ? [] : typeof given === 'string' ? [given] : given;
    for (const spec of specs) {
      let key: string;
      try {
        key = normalizeKeySpec(spec);
      } catch (err) {
        if (!(err instanceof KeySpecError)) throw err;
        problems.push(`${describeAction(action)}: ${err.message}`);
        continue;
      }
      const other = owner.get(key);
      if (other === action) problems.push(`${key} is given twice to ${describeAction(action)}.`);
      else if (other) problems.push(`${key} would trigger both ${describeAction(other)} and ${describeAction(action)}: give one of them another key.`);
      else owner.set(key, action);
    }
  }
  return problems;
}

/** Overrides in their saved form: canonical specs ("Shift+L"), one key as a string, none as null. */
function canonicalOverrides(overrides: ShortcutOverrides): Record<string, string | string[] | null> {
  const out: Record<string, string | string[] | null> = {};
  for (const action of SHORTCUT_ACTION_IDS) {
    const given = overrides[action];
    if (given === undefined) continue;
    const keys = (given === null ? [] : typeof given === 'string' ? [given] : given).map(normalizeKeySpec);
    out[action] = keys.length === 0 ? null : keys.length === 1 ? keys[0]! : keys;
  }
  return out;
}

const noNodeSettings = (): never => {
  throw new DokueiError(ErrorCode.Internal, 'PACS nodes cannot be changed in this host', says('services.host.nodesReadOnly'));
};

export function createHandlers(deps: HandlerDeps): Handlers {
  const grants = deps.pathGrants ?? new PathGrants();
  const nodeById = (id: string): PacsNode => {
    const node = deps.nodes().find((n) => n.settings.id === id);
    if (!node) throw new DokueiError(ErrorCode.NotFound, `No node with id "${id}"`, says('services.nodes.noSuchNode', { id }));
    return node;
  };
  /** A report or key object document saved, its refusals as the reader's sentences. */
  const reportSaved = async <T>(save: () => Promise<T>): Promise<T> => {
    try {
      return await save();
    } catch (err) {
      if (err instanceof ReportNotLocalError) throw new DokueiError(ErrorCode.NotFound, err.message, says('services.reports.notLocal', {}));
      if (err instanceof ReportWriteError) throw new DokueiError(ErrorCode.InvalidRequest, err.message, says('services.reports.refused', { detail: err.message }));
      throw err;
    }
  };
  /** Sends a document just saved; a failed send never undoes the save. */
  const sendSaved = (sendTo: string, saved: { studyInstanceUid: string; sopInstanceUid: string }) =>
    sendAfterSave(
      deps.nodes().find((n) => n.settings.id === sendTo),
      sendTo,
      deps.store,
      { studyInstanceUid: saved.studyInstanceUid, sopInstanceUids: [saved.sopInstanceUid] },
      undefined,
      { audit: deps.audit },
    );
  const archiveUsage = () => {
    const u = deps.archive.usage();
    return {
      totalBytes: u.totalBytes,
      ...(u.quotaBytes !== undefined ? { quotaBytes: u.quotaBytes } : {}),
      studies: u.studies.length,
      pinnedStudies: u.studies.filter((s) => s.pinned).length,
      byModality: Object.entries(u.byModality)
        .map(([modality, bytes]) => ({ modality, bytes }))
        .sort((a, b) => b.bytes - a.bytes),
      ...(u.history ? { history: u.history } : {}),
      ...(u.projection ? { projection: u.projection } : {}),
      ...(u.location !== undefined ? { location: u.location } : {}),
    };
  };
  const suvCorrections = (): SuvCorrections => {
    if (!deps.suvCorrections) throw new DokueiError(ErrorCode.Internal, 'SUV corrections are not available in this host', says('services.host.suvReadOnly'));
    return deps.suvCorrections;
  };
  const suvErrors = (err: unknown): never => {
    if (err instanceof SuvCorrectionError) throw new DokueiError(ErrorCode.InvalidRequest, err.message, says('services.suv.correctionRefused', { detail: err.message }));
    if (err instanceof SuvSeriesNotFoundError) throw new DokueiError(ErrorCode.NotFound, err.message, says('services.suv.seriesNotFound', { detail: err.message }));
    throw err;
  };
  return {
    app: {
      getInfo: async () => ({
        name: 'Dokuei' as const,
        version: deps.version,
        host: deps.host,
        dataPlaneBaseUrl: deps.dataPlaneBaseUrl,
        upstreams: deps.upstreams.map((u) => ({ name: u.name, kind: 'dicomweb' as const, url: u.baseUrl })),
        ...(deps.alerts?.length ? { alerts: [...deps.alerts] } : {}),
      }),
      log: async ({ level, message }, ctx) => {
        // The page's text is one line of the host's log: control characters (a newline would let the page
        // forge a line of its own) are written as escapes.
        deps.log(`[renderer ${ctx.windowId}] ${level}: ${escapeLogText(message)}`);
        return { ok: true as const };
      },
      // Windows are Electron main's (electron/main/main.ts replaces this handler); the browser page opens a tab.
      openWindow: async () => ({ opened: false }),
    },
    store: {
      summary: async () => ({ root: deps.store.root, ...deps.store.counts() }),
      importPaths: async ({ paths, studies }, ctx) => {
        await grants.check(ctx.windowId, paths);
        const result = await importPaths(deps.store, paths, undefined, studies ? { studies: new Set(studies) } : {});
        const c = deps.store.counts();
        ctx.emit('storeChanged', { studies: c.studies, instances: c.instances });
        return result;
      },
    },
    files: {
      inspect: async ({ paths }, ctx) => {
        // Every path checked before any is read: a refused call reads nothing at all.
        await grants.check(ctx.windowId, paths);
        const out = [];
        for (const p of paths) out.push(await inspectFile(p));
        return out;
      },
      // The browser host's page asks only after the reader confirmed (FilePanel); Electron replaces this handler
      // with one that asks the reader in a native dialog first (electron/main/pathGrantsIpc.ts).
      grant: async ({ paths }, ctx) => ({ granted: await grants.grant(ctx.windowId, paths) }),
      choose: async () => {
        throw new DokueiError(ErrorCode.InvalidRequest, 'There is no file dialog in the browser host: type the paths and confirm them', says('services.host.noFileDialog'));
      },
      readDicomdir: async ({ path: file }, ctx) => {
        await grants.check(ctx.windowId, [file]);
        if (!(await isDicomdir(file))) throw new DokueiError(ErrorCode.InvalidRequest, `${file} is not a DICOMDIR (a DICOM media directory)`, says('services.files.notDicomdir', { file }));
        return readDicomdir(file);
      },
    },
    nodes: {
      list: async () =>
        deps.nodes().map((n) => ({
          id: n.settings.id,
          name: n.settings.name,
          role: n.settings.role,
          kind: n.settings.kind,
          priority: n.settings.priority,
          enabled: n.settings.enabled,
          endpoint: endpointOf(n),
          retrieve: n.settings.kind === 'dicomweb' ? ('WADO-RS' as const) : n.settings.retrieve,
          insecure: isInsecureNode(n.settings),
        })),
      echo: async ({ nodeId }) => {
        const node = nodeById(nodeId);
        try {
          const ms = await node.echo(AbortSignal.timeout(node.settings.timeoutMs));
          deps.health.recordSuccess(node.settings.name);
          return { ms };
        } catch (err) {
          const { state, message } = describeFailure(err);
          deps.health.recordFailure(node.settings.name, state === 'unreachable' ? 'unreachable' : 'server', message);
          throw new DokueiError(ErrorCode.UpstreamUnreachable, message, saysOf(err) ?? says('services.nodes.echoFailed', { detail: message }));
        }
      },
      health: async () => nodeHealthRows(deps.nodes(), deps.health),
    },
    prefetch: {
      studyOpened: async ({ studyInstanceUid, patientId }) => {
        if (!deps.prefetch) return { queued: 0, skipped: 0, errors: ['Prefetch is not running'] };
        const rules = deps.settings?.get().prefetch;
        // Turned off in the settings window: nothing is fetched ahead when a study opens.
        if (rules && !rules.priorsOnOpen) return { queued: 0, skipped: 0, errors: [] };
        const outcome = await deps.prefetch.onStudyOpened(studyInstanceUid, patientId, rules?.priorsCount);
        return { queued: outcome.queued.length, skipped: outcome.skipped.length, errors: outcome.errors };
      },
    },
    archive: {
      usage: async () => archiveUsage(),
      setQuota: async ({ quotaGb }, ctx) => {
        const archive = deps.archive;
        if (!archive.setQuota || !deps.settings) throw new DokueiError(ErrorCode.Internal, 'The archive quota cannot be changed in this host', says('services.host.quotaReadOnly'));
        const current = deps.settings.get();
        const next = { ...current, archive: { ...current.archive } };
        if (quotaGb === null) delete next.archive.quotaGb;
        else next.archive.quotaGb = quotaGb;
        try {
          deps.settings.set(next);
        } catch (err) {
          if (err instanceof SettingsError) throw new DokueiError(ErrorCode.InvalidRequest, err.message, says('services.settings.invalid', { detail: err.message }));
          throw err;
        }
        await archive.setQuota(quotaGb === null ? undefined : quotaGbToBytes(quotaGb));
        const c = deps.store.counts();
        ctx.emit('storeChanged', { studies: c.studies, instances: c.instances });
        return archiveUsage();
      },
      setLocation: async ({ dir }) => {
        if (!deps.settings) throw new DokueiError(ErrorCode.Internal, 'The archive location cannot be changed in this host', says('services.host.locationReadOnly'));
        const current = deps.store.root;
        const saved = deps.settings.get();
        const next = { ...saved, archive: { ...saved.archive } };
        if (dir === null) delete next.archive.dir;
        else {
          if (!path.isAbsolute(dir)) throw new DokueiError(ErrorCode.InvalidRequest, `The archive folder must be an absolute path (got ${dir})`, says('services.settings.archiveNotAbsolute', { dir }));
          // A folder that cannot be created or written would only fail at the next start: check it now.
          try {
            await fs.mkdir(dir, { recursive: true });
            await fs.access(dir, fsConstants.W_OK);
          } catch (err) {
            throw new DokueiError(ErrorCode.InvalidRequest, `The archive folder ${dir} cannot be used: ${(err as Error).message}`, says('services.settings.archiveUnusable', { dir, reason: (err as Error).message }));
          }
          next.archive.dir = dir;
        }
        try {
          deps.settings.set(next);
        } catch (err) {
          if (err instanceof SettingsError) throw new DokueiError(ErrorCode.InvalidRequest, err.message, says('services.settings.invalid', { detail: err.message }));
          throw err;
        }
        const nextDir = next.archive.dir ?? deps.defaultArchiveDir ?? current;
        return { current, next: nextDir, restartRequired: path.resolve(nextDir) !== path.resolve(current) };
      },
    },
    studies: {
      search: async (query) => {
        const nodes = deps.nodes();
        const result = await federatedStudySearch(nodes, deps.store, query);
        recordSearches(deps.audit, result.nodes, nodes, deps.store.root, { QueryRetrieveLevel: 'STUDY', ...studyQueryToFilters(query), ...(query.limit !== undefined ? { limit: String(query.limit) } : {}) });
        // Searches are passive health probes too: the node chips stay current without extra traffic.
        for (const o of result.nodes) {
          if (o.nodeId === 'local') continue;
          if (o.state === 'ok' || o.state === 'slow') deps.health.recordSuccess(o.name);
          else deps.health.recordFailure(o.name, o.state === 'unreachable' ? 'unreachable' : 'server', o.error ?? o.state);
        }
        return result;
      },
      series: async ({ studyInstanceUid }) => {
        const nodes = deps.nodes();
        const answer = await findSeries(nodes, deps.store, studyInstanceUid);
        // A study held locally is answered from the archive without asking any node.
        const asked = answer.source === 'local' ? [{ nodeId: 'local', name: 'Local archive', role: 'local' as const, state: 'ok' as const, ms: 0, count: answer.series.length }] : answer.nodes;
        recordSearches(deps.audit, asked, nodes, deps.store.root, { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: studyInstanceUid });
        const series = answer.series.map(seriesFromDicomJson).filter((s): s is SeriesSummary => !!s);
        series.sort((a, b) => (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9));
        return { series, source: answer.source, nodes: answer.nodes };
      },
    },
    settings: {
      ...(deps.nodeSettings
        ? createNodeSettingsHandlers(deps.nodeSettings)
        : {
            'nodes.get': async () => noNodeSettings(),
            'nodes.save': async () => noNodeSettings(),
            'nodes.test': async () => noNodeSettings(),
          }),
      'prefetch.get': async () => PrefetchSettings.parse(deps.settings?.get().prefetch ?? {}),
      'prefetch.set': async (rules) => {
        if (!deps.settings) throw new DokueiError(ErrorCode.Internal, 'Prefetch rules cannot be saved in this host', says('services.host.prefetchReadOnly'));
        deps.settings.set({ ...deps.settings.get(), prefetch: rules });
        return PrefetchSettings.parse(deps.settings.get().prefetch ?? {});
      },
      'protocols.get': async () => ({ protocols: deps.settings?.get().hangingProtocols ?? [] }),
      'protocols.set': async ({ protocols }) => {
        if (!deps.settings) throw new DokueiError(ErrorCode.Internal, 'Hanging protocols cannot be saved in this host', says('services.host.protocolsReadOnly'));
        const ids = protocols.map((p) => p.id);
        const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
        if (twice.length) throw new DokueiError(ErrorCode.InvalidRequest, `Two hanging protocols have the id "${twice[0]}": give each its own`, says('services.settings.protocolTwice', { id: twice[0]! }));
        const { hangingProtocols: _previous, ...rest } = deps.settings.get();
        deps.settings.set(protocols.length ? { ...rest, hangingProtocols: protocols as Record<string, unknown>[] } : rest);
        return { protocols: deps.settings.get().hangingProtocols ?? [] };
      },
    },
    shortcuts: {
      get: async () => shortcutsState(deps.settings?.get().shortcuts),
      set: async ({ overrides }) => {
        if (!deps.settings) throw new DokueiError(ErrorCode.Internal, 'The viewer keys cannot be changed in this host', says('services.host.keysReadOnly'));
        const problems = shortcutOverrideProblems(overrides);
        if (problems.length > 0) throw new DokueiError(ErrorCode.InvalidRequest, `The keys were not saved. ${problems.join(' ')}`, says('services.settings.keysNotSaved', { problems: problems.join(' ') }));
        const saved = deps.settings.get();
        const next: typeof saved = { ...saved };
        const canonical = canonicalOverrides(overrides);
        if (Object.keys(canonical).length === 0) delete next.shortcuts;
        else next.shortcuts = canonical;
        try {
          deps.settings.set(next);
        } catch (err) {
          if (err instanceof SettingsError) throw new DokueiError(ErrorCode.InvalidRequest, err.message, says('services.settings.invalid', { detail: err.message }));
          throw err;
        }
        return shortcutsState(deps.settings.get().shortcuts);
      },
    },
    suv: {
      'corrections.get': async ({ seriesInstanceUid }) => suvCorrections().get(seriesInstanceUid).catch(suvErrors),
      'corrections.save': async ({ sendTo, ...request }) => {
        const saved = await suvCorrections().save(request).catch(suvErrors);
        if (!sendTo) return saved;
        if (!saved.rwvmSopInstanceUid) {
          const message = `Saved locally; nothing sent: ${saved.rwvmNote ?? 'no RWVM instance was written'}`;
          return { ...saved, send: { ok: false, nodeId: sendTo, nodeName: sendTo, sent: [], failed: [], message } };
        }
        const node = deps.nodes().find((n) => n.settings.id === sendTo);
        const send = await sendAfterSave(node, sendTo, deps.store, { studyInstanceUid: request.studyInstanceUid, sopInstanceUids: [saved.rwvmSopInstanceUid] }, undefined, { audit: deps.audit });
        return { ...saved, send };
      },
    },
    pacs: {
      send: async ({ nodeId, studyInstanceUid, sopInstanceUids }) => {
        const node = nodeById(nodeId);
        try {
          const result = await sendInstances(node, deps.store, { studyInstanceUid, sopInstanceUids }, undefined, { audit: deps.audit });
          return { ...result, ok: result.failed.length === 0, message: describeSend(result) };
        } catch (err) {
          if (err instanceof PacsError) throw new DokueiError(err.kind === 'unreachable' || err.kind === 'timeout' ? ErrorCode.UpstreamUnreachable : ErrorCode.UpstreamError, err.message, err.says);
          throw err;
        }
      },
    },
    registration: {
      save: async ({ fixed, moving, matrix, description, sendTo }) => {
        let saved;
        try {
          saved = await saveRegistration(deps.store, { fixed, moving, matrix, ...(description ? { description } : {}) }, { audit: deps.audit });
        } catch (err) {
          if (err instanceof RegistrationSeriesNotLocalError) throw new DokueiError(ErrorCode.NotFound, err.message, says('services.registration.notLocal', { detail: err.message }));
          if (err instanceof SpatialRegistrationError) throw new DokueiError(ErrorCode.InvalidRequest, err.message, says('services.registration.refused', { detail: err.message }));
          throw err;
        }
        if (!sendTo) return saved;
        const node = deps.nodes().find((n) => n.settings.id === sendTo);
        const send = await sendAfterSave(node, sendTo, deps.store, { studyInstanceUid: saved.studyInstanceUid, sopInstanceUids: [saved.sopInstanceUid] }, undefined, { audit: deps.audit });
        return { ...saved, send };
      },
    },
    reports: {
      saveMeasurements: async ({ studyInstanceUid, measurements, predecessors, sendTo }) => {
        const saved = await reportSaved(() => saveMeasurements(deps.store, { studyInstanceUid, measurements, predecessors }, { audit: deps.audit, observer: defaultUserName() }));
        return sendTo ? { ...saved, send: await sendSaved(sendTo, saved) } : saved;
      },
      csvExported: async (request) => ({ recorded: recordCsvExport(deps.store, request, { audit: deps.audit }) }),
      saveKeyImages: async ({ studyInstanceUid, title, images, description, sendTo }) => {
        const saved = await reportSaved(() => saveKeyImages(deps.store, { studyInstanceUid, title, images, ...(description ? { description } : {}) }, { audit: deps.audit, observer: defaultUserName() }));
        return sendTo ? { ...saved, send: await sendSaved(sendTo, saved) } : saved;
      },
    },
    audit: createAuditHandlers({ log: deps.auditLog, sink: deps.audit }),
    retrieve: {
      start: async (request) => {
        try {
          return await deps.jobs.start(request);
        } catch (err) {
          if (err instanceof RetrieveJobError) throw new DokueiError(ErrorCode.NotFound, err.message, says('services.jobs.notFound', { detail: err.message }));
          throw err;
        }
      },
      cancel: async ({ jobId }) => ({ cancelled: deps.jobs.cancel(jobId) }),
      list: async () => deps.jobs.list(),
    },
  };
}
