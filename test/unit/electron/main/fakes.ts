/**
 * Test doubles shared by the Electron host tests: a contract-typed Handlers (the services side), a
 * recording ipcMain, and IpcMainInvokeEvents from a chosen frame URL.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { CallContext, Handlers } from '../../../../common/ipc/contract';
import { DEFAULT_SHORTCUTS } from '../../../../common/viewer/shortcuts';

export interface HandlerCalls {
  calls: string[];
  contexts: CallContext[];
}

export function fakeHandlers(record: HandlerCalls = { calls: [], contexts: [] }): Handlers {
  return {
    app: {
      getInfo: async (_req, ctx) => {
        record.calls.push('app.getInfo');
        record.contexts.push(ctx);
        return { name: 'Dokuei', version: '9.9.9-test', host: 'electron', dataPlaneBaseUrl: 'dicomweb://local', upstreams: [] };
      },
      log: async (req, ctx) => {
        record.calls.push(`app.log:${req.level}:${req.message}`);
        record.contexts.push(ctx);
        return { ok: true };
      },
      openWindow: async (_req, ctx) => (record.calls.push('app.openWindow'), record.contexts.push(ctx), { opened: false }),
    },
    store: {
      summary: async (_req, ctx) => {
        record.calls.push('store.summary');
        record.contexts.push(ctx);
        return { root: '/tmp/store', studies: 1, series: 2, instances: 3, bytes: 4 };
      },
      importPaths: async ({ paths }, ctx) => {
        record.calls.push(`store.importPaths:${paths.join(',')}`);
        record.contexts.push(ctx);
        ctx.emit('storeChanged', { studies: 1, instances: paths.length });
        return { imported: paths.length, skipped: 0, failed: [] };
      },
    },
    files: {
      inspect: async (req, ctx) => (record.calls.push(`files.inspect:${req.paths.join(',')}`), record.contexts.push(ctx), []),
      grant: async (req, ctx) => (record.calls.push(`files.grant:${req.paths.join(',')}`), record.contexts.push(ctx), { granted: req.paths }),
      choose: async (req, ctx) => (record.calls.push(`files.choose:${req.folders}`), record.contexts.push(ctx), { paths: [] }),
      readDicomdir: async (req, ctx) => (record.calls.push(`files.readDicomdir:${req.path}`), record.contexts.push(ctx), { dicomdir: req.path, patients: [], missing: [], warnings: [] }),
    },
    nodes: {
      list: async (_req, ctx) => (record.calls.push('nodes.list'), record.contexts.push(ctx), []),
      echo: async ({ nodeId }, ctx) => (record.calls.push(`nodes.echo:${nodeId}`), record.contexts.push(ctx), { ms: 1 }),
      health: async (_req, ctx) => (record.calls.push('nodes.health'), record.contexts.push(ctx), []),
    },
    archive: {
      usage: async (_req, ctx) => (record.calls.push('archive.usage'), record.contexts.push(ctx), { totalBytes: 0, studies: 0, pinnedStudies: 0, byModality: [] }),
      setLocation: async ({ dir }, ctx) => (record.calls.push(`archive.setLocation:${dir}`), record.contexts.push(ctx), { current: '/a', next: dir ?? '/a', restartRequired: dir !== null }),
      setQuota: async ({ quotaGb }, ctx) => (record.calls.push(`archive.setQuota:${quotaGb}`), record.contexts.push(ctx), { totalBytes: 0, studies: 0, pinnedStudies: 0, byModality: [] }),
    },
    prefetch: {
      studyOpened: async (req, ctx) => (record.calls.push(`prefetch.studyOpened:${req.studyInstanceUid}`), record.contexts.push(ctx), { queued: 0, skipped: 0, errors: [] }),
    },
    studies: {
      search: async (_req, ctx) => (record.calls.push('studies.search'), record.contexts.push(ctx), { studies: [], nodes: [] }),
      series: async (req, ctx) => (record.calls.push(`studies.series:${req.studyInstanceUid}`), record.contexts.push(ctx), { series: [], source: 'none', nodes: [] }),
    },
    settings: {
      'nodes.get': async (_req, ctx) => (record.calls.push('settings.nodes.get'), record.contexts.push(ctx), { nodes: [], secretsStored: {}, localScp: { aeTitle: 'DOKUEI', port: 11112 }, notices: [] }),
      'nodes.save': async (req, ctx) => (record.calls.push('settings.nodes.save'), record.contexts.push(ctx), { nodes: req.nodes, secretsStored: {}, localScp: { aeTitle: 'DOKUEI', port: 11112 }, notices: [] }),
      'nodes.test': async (_req, ctx) => (record.calls.push('settings.nodes.test'), record.contexts.push(ctx), { ok: true, steps: [] }),
      'prefetch.get': async (_req, ctx) => (record.calls.push('settings.prefetch.get'), record.contexts.push(ctx), { priorsOnOpen: true, priorsCount: 3, todayOnStart: false }),
      'prefetch.set': async (req, ctx) => (record.calls.push('settings.prefetch.set'), record.contexts.push(ctx), req),
      'protocols.get': async (_req, ctx) => (record.calls.push('settings.protocols.get'), record.contexts.push(ctx), { protocols: [] }),
      'protocols.set': async (req, ctx) => (record.calls.push('settings.protocols.set'), record.contexts.push(ctx), { protocols: req.protocols }),
    },
    shortcuts: {
      get: async (_req, ctx) => (record.calls.push('shortcuts.get'), record.contexts.push(ctx), { map: DEFAULT_SHORTCUTS, defaults: DEFAULT_SHORTCUTS, errors: [], notes: [] }),
      set: async ({ overrides }, ctx) => (
        record.calls.push(`shortcuts.set:${Object.keys(overrides).join(',')}`), record.contexts.push(ctx), { map: DEFAULT_SHORTCUTS, defaults: DEFAULT_SHORTCUTS, errors: [], notes: [] }
      ),
    },
    suv: {
      'corrections.get': async ({ seriesInstanceUid }, ctx) => (
        record.calls.push(`suv.corrections.get:${seriesInstanceUid}`), record.contexts.push(ctx), { seriesInstanceUid, corrections: [], overrides: {} }
      ),
      'corrections.save': async (req, ctx) => (
        record.calls.push(`suv.corrections.save:${req.seriesInstanceUid}:${req.field}`),
        record.contexts.push(ctx),
        { seriesInstanceUid: req.seriesInstanceUid, corrections: [{ field: req.field, oldValue: null, newValue: req.value, user: 'test', time: '2026-01-01T00:00:00.000Z', reason: req.reason }], overrides: {} }
      ),
    },
    pacs: {
      send: async (req, ctx) => (
        record.calls.push(`pacs.send:${req.nodeId}`), record.contexts.push(ctx), { ok: true, nodeId: req.nodeId, nodeName: 'N', sent: req.sopInstanceUids, failed: [], message: 'Sent' }
      ),
    },
    reports: {
      saveMeasurements: async (req, ctx) => (record.calls.push(`reports.saveMeasurements:${req.studyInstanceUid}`), record.contexts.push(ctx), { sopInstanceUid: '2.25.4', studyInstanceUid: req.studyInstanceUid, seriesInstanceUid: '2.25.5' }),
      saveKeyImages: async (req, ctx) => (record.calls.push(`reports.saveKeyImages:${req.studyInstanceUid}`), record.contexts.push(ctx), { sopInstanceUid: '2.25.6', studyInstanceUid: req.studyInstanceUid, seriesInstanceUid: '2.25.7' }),
      csvExported: async (req, ctx) => (record.calls.push(`reports.csvExported:${req.studyInstanceUid}`), record.contexts.push(ctx), { recorded: true }),
    },
    registration: {
      save: async (req, ctx) => (
        record.calls.push(`registration.save:${req.fixed.seriesInstanceUid}`), record.contexts.push(ctx), { sopInstanceUid: '2.25.2', studyInstanceUid: req.fixed.studyInstanceUid, seriesInstanceUid: '2.25.3' }
      ),
    },
    audit: {
      list: async (req, ctx) => (record.calls.push('audit.list'), record.contexts.push(ctx), { rows: [], total: 0, offset: req.offset, more: 0, upTo: null, records: 0, unreadable: 0, events: [] }),
      show: async (req, ctx) => (record.calls.push(`audit.show:${req.index}`), record.contexts.push(ctx), Promise.reject(new Error(`No audit record ${req.index}`))),
      verify: async (_req, ctx) => (record.calls.push('audit.verify'), record.contexts.push(ctx), { ok: true, records: 0, problems: [] }),
    },
    retrieve: {
      start: async (req, ctx) => {
        record.calls.push(`retrieve.start:${req.studyInstanceUid}`);
        record.contexts.push(ctx);
        return { jobId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', studyInstanceUid: req.studyInstanceUid, nodeId: 'n', nodeName: 'N', state: 'queued', completed: 0, failed: 0, bytes: 0, bytesPerSecond: 0, startedAt: 0 };
      },
      cancel: async (_req, ctx) => (record.calls.push('retrieve.cancel'), record.contexts.push(ctx), { cancelled: true }),
      list: async (_req, ctx) => (record.calls.push('retrieve.list'), record.contexts.push(ctx), []),
    },
  };
}

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** Behaves like Electron's ipcMain here: a second handle() for the same channel throws. */
export class FakeIpcMain implements Pick<IpcMain, 'handle' | 'removeHandler'> {
  readonly handleCalls: string[] = [];
  readonly removed: string[] = [];
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handleCalls.push(channel);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.removed.push(channel);
    this.handlers.delete(channel);
  }

  async invoke(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

export interface FakeSender {
  event: IpcMainInvokeEvent;
  sent: Array<[string, unknown]>;
}

/** An invoke event from a frame at `frameUrl` (null: the frame is gone) in webContents `id`. */
export function fakeInvokeEvent(frameUrl: string | null, id = 7, destroyed = false): FakeSender {
  const sent: Array<[string, unknown]> = [];
  const sender = {
    id,
    isDestroyed: () => destroyed,
    send: (channel: string, ...args: unknown[]) => {
      sent.push([channel, args[0]]);
    },
  };
  const event = { sender, senderFrame: frameUrl === null ? null : { url: frameUrl }, frameId: 1, processId: 1, type: 'frame' };
  return { event: event as unknown as IpcMainInvokeEvent, sent };
}
