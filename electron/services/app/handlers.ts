/**
 * IPC handlers: the services' side of every contract channel. Typed by the contract, so a channel
 * added there without a handler here fails to compile.
 */
import type { Handlers } from '../../../common/ipc/contract';
import { DokueiError, ErrorCode } from '../../../common/ipc/errors';
import { seriesFromDicomJson, type SeriesSummary } from '../../../common/dicom/model';
import type { DicomwebUpstream } from '../gateway/upstream';
import type { RetrieveJobs } from '../jobs/retrieveJobs';
import { RetrieveJobError } from '../jobs/retrieveJobs';
import { federatedStudySearch, findSeries, describeFailure } from '../pacs/federatedSearch';
import type { PacsNode } from '../pacs/pacsNode';
import type { InstanceStore } from '../store/instanceStore';
import { importPaths } from '../store/importPaths';
import { inspectFile } from '../dicom/inspect';

export interface HandlerDeps {
  store: InstanceStore;
  upstreams: readonly DicomwebUpstream[];
  nodes: () => readonly PacsNode[];
  jobs: RetrieveJobs;
  host: 'electron' | 'browser';
  version: string;
  dataPlaneBaseUrl: string;
  log: (message: string) => void;
}

function endpointOf(node: PacsNode): string {
  const s = node.settings;
  return s.kind === 'dicomweb' ? s.url : `${s.calledAeTitle}@${s.host}:${s.port}`;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const nodeById = (id: string): PacsNode => {
    const node = deps.nodes().find((n) => n.settings.id === id);
    if (!node) throw new DokueiError(ErrorCode.NotFound, `No node with id "${id}"`);
    return node;
  };
  return {
    app: {
      getInfo: async () => ({
        name: 'Dokuei' as const,
        version: deps.version,
        host: deps.host,
        dataPlaneBaseUrl: deps.dataPlaneBaseUrl,
        upstreams: deps.upstreams.map((u) => ({ name: u.name, kind: 'dicomweb' as const, url: u.baseUrl })),
      }),
      log: async ({ level, message }, ctx) => {
        deps.log(`[renderer ${ctx.windowId}] ${level}: ${message}`);
        return { ok: true as const };
      },
    },
    store: {
      summary: async () => ({ root: deps.store.root, ...deps.store.counts() }),
      importPaths: async ({ paths }, ctx) => {
        const result = await importPaths(deps.store, paths);
        const c = deps.store.counts();
        ctx.emit('storeChanged', { studies: c.studies, instances: c.instances });
        return result;
      },
    },
    files: {
      inspect: async ({ paths }) => {
        const out = [];
        for (const p of paths) out.push(await inspectFile(p));
        return out;
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
        })),
      echo: async ({ nodeId }) => {
        const node = nodeById(nodeId);
        try {
          return { ms: await node.echo(AbortSignal.timeout(node.settings.timeoutMs)) };
        } catch (err) {
          throw new DokueiError(ErrorCode.UpstreamUnreachable, describeFailure(err).message);
        }
      },
    },
    studies: {
      search: async (query) => federatedStudySearch(deps.nodes(), deps.store, query),
      series: async ({ studyInstanceUid }) => {
        const answer = await findSeries(deps.nodes(), deps.store, studyInstanceUid);
        const series = answer.series.map(seriesFromDicomJson).filter((s): s is SeriesSummary => !!s);
        series.sort((a, b) => (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9));
        return { series, source: answer.source, nodes: answer.nodes };
      },
    },
    retrieve: {
      start: async (request) => {
        try {
          return await deps.jobs.start(request);
        } catch (err) {
          if (err instanceof RetrieveJobError) throw new DokueiError(ErrorCode.NotFound, err.message);
          throw err;
        }
      },
      cancel: async ({ jobId }) => ({ cancelled: deps.jobs.cancel(jobId) }),
      list: async () => deps.jobs.list(),
    },
  };
}
