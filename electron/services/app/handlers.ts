/**
 * IPC handlers: the services' side of every contract channel. Typed by the contract, so a channel
 * added there without a handler here fails to compile.
 */
import type { Handlers } from '../../../common/ipc/contract';
import type { DicomwebUpstream } from '../gateway/upstream';
import type { InstanceStore } from '../store/instanceStore';
import { importPaths } from '../store/importPaths';

export interface HandlerDeps {
  store: InstanceStore;
  upstreams: readonly DicomwebUpstream[];
  host: 'electron' | 'browser';
  version: string;
  dataPlaneBaseUrl: string;
  log: (message: string) => void;
}

export function createHandlers(deps: HandlerDeps): Handlers {
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
  };
}
