import { describe, expect, it } from 'vitest';
import { buildClient, type ClientTransport } from '../../../../common/ipc/client';
import { contract, eventNames, type Handlers, requestChannels } from '../../../../common/ipc/contract';
import { dispatch } from '../../../../common/ipc/dispatch';
import { DokueiError, ErrorCode } from '../../../../common/ipc/errors';
import { DEFAULT_SHORTCUTS } from '../../../../common/viewer/shortcuts';
import { bridgedTransport } from '../../../../renderer/platform/platform';
import { requestFixtures, responseFixtures } from '../../../fixtures/contract/requests';

function handlers(overrides: Partial<{ summary: () => Promise<unknown> }> = {}): { impl: Handlers; calls: unknown[] } {
  const calls: unknown[] = [];
  const impl: Handlers = {
    app: {
      getInfo: async (req) => (calls.push(req), { name: 'Dokuei' as const, version: '1', host: 'browser' as const, dataPlaneBaseUrl: 'x', upstreams: [] }),
      log: async (req) => (calls.push(req), { ok: true as const }),
      openWindow: async (req) => (calls.push(req), { opened: false }),
    },
    store: {
      summary: async (req) => (calls.push(req), (overrides.summary ? await overrides.summary() : { root: '/r', studies: 1, series: 2, instances: 3, bytes: 4 }) as never),
      importPaths: async (req, ctx) => {
        calls.push(req);
        ctx.emit('storeChanged', { studies: 1, instances: 9 });
        return { imported: 1, skipped: 0, failed: [] };
      },
    },
    files: {
      inspect: async (req) => (calls.push(req), []),
      grant: async (req) => (calls.push(req), { granted: req.paths }),
      choose: async (req) => (calls.push(req), { paths: [] }),
      readDicomdir: async (req) => (calls.push(req), { dicomdir: req.path, patients: [], missing: [], warnings: [] }),
    },
    nodes: {
      list: async () => [],
      echo: async (req) => (calls.push(req), { ms: 1 }),
      health: async () => [],
    },
    archive: {
      usage: async () => ({ totalBytes: 0, studies: 0, pinnedStudies: 0, byModality: [] }),
      setLocation: async (req) => (calls.push(req), { current: '/a', next: req.dir ?? '/a', restartRequired: req.dir !== null }),
      setQuota: async (req) => (calls.push(req), { totalBytes: 0, studies: 0, pinnedStudies: 0, byModality: [], ...(req.quotaGb === null ? {} : { quotaBytes: req.quotaGb * 1024 ** 3 }) }),
    },
    prefetch: {
      studyOpened: async (req) => (calls.push(req), { queued: 0, skipped: 0, errors: [] }),
    },
    studies: {
      search: async (req) => (calls.push(req), { studies: [], nodes: [] }),
      series: async (req) => (calls.push(req), { series: [], source: 'none', nodes: [] }),
    },
    settings: {
      'nodes.get': async (req) => (calls.push(req), { nodes: [], secretsStored: {}, localScp: { aeTitle: 'DOKUEI', port: 11112 }, notices: [] }),
      'nodes.save': async (req) => (calls.push(req), { nodes: req.nodes, secretsStored: {}, localScp: { aeTitle: 'DOKUEI', port: 11112 }, notices: [] }),
      'nodes.test': async (req) => (calls.push(req), { ok: true, steps: [{ step: 'echo' as const, ok: true, ms: 1, message: 'ok' }] }),
      'prefetch.get': async (req) => (calls.push(req), { priorsOnOpen: true, priorsCount: 3, todayOnStart: false }),
      'prefetch.set': async (req) => (calls.push(req), req),
      'protocols.get': async (req) => (calls.push(req), { protocols: [] }),
      'protocols.set': async (req) => (calls.push(req), { protocols: req.protocols }),
    },
    shortcuts: {
      get: async (req) => (calls.push(req), { map: DEFAULT_SHORTCUTS, defaults: DEFAULT_SHORTCUTS, errors: [], notes: [] }),
      set: async (req) => (calls.push(req), { map: { ...DEFAULT_SHORTCUTS, wlPreset2: [String(req.overrides.wlPreset2 ?? '2')] }, defaults: DEFAULT_SHORTCUTS, errors: [], notes: [] }),
    },
    suv: {
      'corrections.get': async (req) => (calls.push(req), { seriesInstanceUid: req.seriesInstanceUid, corrections: [], overrides: {} }),
      'corrections.save': async (req) => (
        calls.push(req),
        {
          seriesInstanceUid: req.seriesInstanceUid,
          corrections: [{ field: req.field, oldValue: null, newValue: req.value, user: 'u', time: '2026-01-01T00:00:00Z', reason: req.reason }],
          overrides: {},
          rwvmSopInstanceUid: '2.25.1',
        }
      ),
    },
    pacs: {
      send: async () => Promise.reject(new DokueiError(ErrorCode.UpstreamUnreachable, 'PACS: cannot reach it')),
    },
    registration: {
      save: async () => Promise.reject(new DokueiError(ErrorCode.NotFound, 'The base series is not in the local archive')),
    },
    reports: {
      saveMeasurements: async () => Promise.reject(new DokueiError(ErrorCode.NotFound, 'The study is not in the local archive')),
      saveKeyImages: async () => Promise.reject(new DokueiError(ErrorCode.NotFound, 'The study is not in the local archive')),
      csvExported: async () => ({ recorded: true }),
    },
    audit: {
      list: async (req) => (calls.push(req), { rows: [], total: 0, offset: req.offset, more: 0, upTo: null, records: 0, unreadable: 0, events: [] }),
      show: async () => Promise.reject(new DokueiError(ErrorCode.NotFound, 'No audit record 9')),
      verify: async () => ({ ok: true, records: 0, problems: [] }),
    },
    retrieve: {
      start: async () => Promise.reject(new DokueiError(ErrorCode.NotFound, 'No node holds it')),
      cancel: async () => ({ cancelled: false }),
      list: async () => [],
    },
  };
  return { impl, calls };
}

function loopback(impl: Handlers, events: { name: string; payload: unknown }[]): ClientTransport {
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  return {
    invoke: (channel, request) =>
      dispatch(impl, channel, request, {
        windowId: 'w1',
        emit: (name, payload) => {
          events.push({ name, payload });
          for (const l of listeners.get(name) ?? []) l(payload);
        },
      }),
    subscribe: (event, l) => {
      listeners.set(event, [...(listeners.get(event) ?? []), l]);
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((x) => x !== l));
    },
  };
}

describe('IPC contract', () => {
  it('has wire fixtures for every channel, and they pass or fail as labelled', () => {
    const channels = requestChannels();
    expect(channels.length).toBeGreaterThan(0);
    for (const { channel, def } of channels) {
      const req = requestFixtures[channel];
      const res = responseFixtures[channel];
      expect(req?.valid.length, `request fixtures for ${channel}`).toBeGreaterThan(0);
      expect(req?.invalid.length, `must-fail request fixtures for ${channel}`).toBeGreaterThan(0);
      expect(res?.valid.length, `response fixtures for ${channel}`).toBeGreaterThan(0);
      for (const v of req!.valid) expect(def.request.safeParse(v).success, `${channel} valid ${JSON.stringify(v)}`).toBe(true);
      for (const v of req!.invalid) expect(def.request.safeParse(v).success, `${channel} invalid ${JSON.stringify(v)?.slice(0, 60)}`).toBe(false);
      for (const v of res!.valid) expect(def.response.safeParse(v).success, `${channel} valid response`).toBe(true);
      for (const v of res!.invalid) expect(def.response.safeParse(v).success, `${channel} invalid response`).toBe(false);
    }
    expect(Object.keys(requestFixtures).sort()).toEqual(channels.map((c) => c.channel).sort());
  });

  it('the client exposes exactly the contract, and calls reach the handler validated', async () => {
    const { impl, calls } = handlers();
    const events: { name: string; payload: unknown }[] = [];
    const api = buildClient(loopback(impl, events));
    expect(Object.keys(api).sort()).toEqual([...Object.keys(contract.requests), 'on'].sort());
    expect(Object.keys(api.app).sort()).toEqual(Object.keys(contract.requests.app).sort());
    expect(Object.keys(api.on).sort()).toEqual(eventNames().sort());

    const seen: unknown[] = [];
    const off = api.on.storeChanged((p) => seen.push(p));
    expect(await api.store.importPaths({ paths: ['/a'] })).toEqual({ imported: 1, skipped: 0, failed: [] });
    expect(calls).toEqual([{ paths: ['/a'] }]);
    expect(seen).toEqual([{ studies: 1, instances: 9 }]);
    off();
    await api.store.importPaths({ paths: ['/b'] });
    expect(seen).toHaveLength(1);
  });

  it('reaches the SUV correction channels, and refuses a correction without a reason before the handler', async () => {
    const { impl, calls } = handlers();
    const api = buildClient(loopback(impl, []));
    expect(await api.suv['corrections.get']({ seriesInstanceUid: '1.2.3' })).toEqual({ seriesInstanceUid: '1.2.3', corrections: [], overrides: {} });
    const saved = await api.suv['corrections.save']({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', field: 'weight', value: 70, reason: 'weighed' });
    expect(saved.rwvmSopInstanceUid).toBe('2.25.1');
    await expect(api.suv['corrections.save']({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', field: 'weight', value: 70, reason: ' ' })).rejects.toMatchObject({ code: ErrorCode.InvalidRequest });
    expect(calls).toHaveLength(2);
  });

  it('applies schema defaults before the handler sees a request', async () => {
    const { impl, calls } = handlers();
    const api = buildClient(loopback(impl, []));
    await api.studies.search({ patientId: 'P1' });
    expect(calls).toEqual([{ patientId: 'P1', limit: 500 }]);
  });

  it('refuses invalid requests on both sides with INVALID_REQUEST', async () => {
    const { impl, calls } = handlers();
    const api = buildClient(loopback(impl, []));
    await expect(api.store.importPaths({ paths: [] })).rejects.toMatchObject({ code: ErrorCode.InvalidRequest });
    const wire = await dispatch(impl, 'store.importPaths', { paths: 42 }, { windowId: 'w', emit: () => {} });
    expect(wire).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest } });
    expect(calls).toEqual([]);
    expect(await dispatch(impl, 'shell.exec', {}, { windowId: 'w', emit: () => {} })).toMatchObject({ ok: false, error: { code: ErrorCode.UnknownChannel } });
  });

  it('maps thrown errors to codes and catches malformed handler results', async () => {
    const failing = handlers({ summary: async () => Promise.reject(new DokueiError(ErrorCode.UpstreamUnreachable, 'PACS down')) }).impl;
    await expect(buildClient(loopback(failing, [])).store.summary({})).rejects.toMatchObject({ code: ErrorCode.UpstreamUnreachable, message: 'PACS down' });
    const crashing = handlers({ summary: async () => Promise.reject(new TypeError('boom')) }).impl;
    await expect(buildClient(loopback(crashing, [])).store.summary({})).rejects.toMatchObject({ code: ErrorCode.Internal, message: 'boom' });
    const malformed = handlers({ summary: async () => ({ root: 1 }) }).impl;
    await expect(buildClient(loopback(malformed, [])).store.summary({})).rejects.toMatchObject({ code: ErrorCode.InvalidResponse });
  });

  it('keeps error codes across Electron\'s contextBridge, which passes only the message', async () => {
    const failing = handlers({ summary: async () => Promise.reject(new DokueiError(ErrorCode.UpstreamUnreachable, 'PACS down')) }).impl;
    const preloadApi = buildClient(loopback(failing, []), { bridgeErrors: true });
    // What the page receives from contextBridge: a plain Error, message only.
    const crossed = await preloadApi.store.summary({}).catch((e: Error) => new Error(e.message));
    expect(crossed).not.toBeInstanceOf(DokueiError);
    const rendererApi = buildClient(bridgedTransport({ ...preloadApi, store: { ...preloadApi.store, summary: () => Promise.reject(crossed) } }));
    await expect(rendererApi.store.summary({})).rejects.toMatchObject({ name: 'DokueiError', code: ErrorCode.UpstreamUnreachable, message: 'PACS down' });
    const ok = buildClient(bridgedTransport(preloadApi));
    expect(await ok.app.getInfo({})).toMatchObject({ name: 'Dokuei' });
  });

  it('turns a broken transport into a TRANSPORT_ERROR the UI can show', async () => {
    const api = buildClient({ invoke: () => Promise.reject(new Error('socket closed')), subscribe: () => () => {} });
    await expect(api.app.getInfo({})).rejects.toMatchObject({ code: ErrorCode.TransportError, message: expect.stringContaining('socket closed') });
  });
});
