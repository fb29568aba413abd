import { describe, expect, it } from 'vitest';
import { electronEventChannel, electronRequestChannel, type Handlers, requestChannels } from '../../../../common/ipc/contract';
import { DokueiError, ErrorCode } from '../../../../common/ipc/errors';
import { isTrustedIpcSender } from '../../../../electron/main/guards';
import { bindIpc } from '../../../../electron/main/ipcBinding';
import { FakeIpcMain, fakeHandlers, fakeInvokeEvent, type HandlerCalls } from './fakes';

function setup() {
  const ipc = new FakeIpcMain();
  const record: HandlerCalls = { calls: [], contexts: [] };
  const unbind = bindIpc(ipc, fakeHandlers(record), { isTrustedSender: isTrustedIpcSender });
  return { ipc, record, unbind };
}

const TRUSTED = 'app://dokuei/index.html';

describe('bindIpc', () => {
  it('binds every contract channel exactly once, and nothing else', () => {
    const { ipc } = setup();
    const expected = requestChannels().map((e) => electronRequestChannel(e.channel));
    expect(expected.length).toBeGreaterThan(0);
    expect([...ipc.handleCalls].sort()).toEqual([...expected].sort());
    expect(new Set(ipc.handleCalls).size).toBe(ipc.handleCalls.length);
  });

  it('answers a valid request from our UI with the handler result', async () => {
    const { ipc, record } = setup();
    const { event } = fakeInvokeEvent(TRUSTED);
    const result = await ipc.invoke(electronRequestChannel('app.getInfo'), event, {});
    expect(result).toEqual({
      ok: true,
      value: { name: 'Dokuei', version: '9.9.9-test', host: 'electron', dataPlaneBaseUrl: 'dicomweb://local', upstreams: [] },
    });
    expect(record.calls).toEqual(['app.getInfo']);
  });

  it('passes the validated request through to the handler', async () => {
    const { ipc, record } = setup();
    const { event } = fakeInvokeEvent(TRUSTED);
    const result = await ipc.invoke(electronRequestChannel('app.log'), event, { level: 'warn', message: 'hello' });
    expect(result).toEqual({ ok: true, value: { ok: true } });
    expect(record.calls).toEqual(['app.log:warn:hello']);
  });

  it('returns INVALID_REQUEST for a malformed request without calling the handler', async () => {
    const { ipc, record } = setup();
    const { event } = fakeInvokeEvent(TRUSTED);
    for (const bad of [{ paths: [] }, { paths: 'not-a-list' }, { paths: ['/a'], extra: true }, 42]) {
      const result = (await ipc.invoke(electronRequestChannel('store.importPaths'), event, bad)) as { ok: boolean; error?: { code: string } };
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      expect(result.error?.code, JSON.stringify(bad)).toBe(ErrorCode.InvalidRequest);
    }
    expect(record.calls).toEqual([]);
  });

  it.each(['https://evil.example/', 'file:///tmp/x.html', 'app://evil/index.html', 'about:blank'])(
    'answers FORBIDDEN to a frame at %s, without calling the handler',
    async (url) => {
      const { ipc, record } = setup();
      const { event, sent } = fakeInvokeEvent(url);
      const result = (await ipc.invoke(electronRequestChannel('store.importPaths'), event, { paths: ['/a'] })) as {
        ok: boolean;
        error?: { code: string };
      };
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe(ErrorCode.Forbidden);
      expect(record.calls).toEqual([]);
      expect(sent).toEqual([]);
    },
  );

  it('answers FORBIDDEN when the sending frame is gone', async () => {
    const { ipc, record } = setup();
    const { event } = fakeInvokeEvent(null);
    const result = (await ipc.invoke(electronRequestChannel('app.getInfo'), event, {})) as { ok: boolean; error?: { code: string } };
    expect(result.error?.code).toBe(ErrorCode.Forbidden);
    expect(record.calls).toEqual([]);
  });

  it("gives the handler the sender's webContents id and an emit that replies to that sender", async () => {
    const { ipc, record } = setup();
    const { event, sent } = fakeInvokeEvent(TRUSTED, 42);
    const result = await ipc.invoke(electronRequestChannel('store.importPaths'), event, { paths: ['/a', '/b'] });
    expect(result).toEqual({ ok: true, value: { imported: 2, skipped: 0, failed: [] } });
    expect(record.contexts[0]?.windowId).toBe('42');
    expect(sent).toEqual([[electronEventChannel('storeChanged'), { studies: 1, instances: 2 }]]);
  });

  it('drops events for a sender that has been destroyed', async () => {
    const { ipc } = setup();
    const { event, sent } = fakeInvokeEvent(TRUSTED, 3, true);
    const result = (await ipc.invoke(electronRequestChannel('store.importPaths'), event, { paths: ['/a'] })) as { ok: boolean };
    expect(result.ok).toBe(true);
    expect(sent).toEqual([]);
  });

  it('maps errors thrown by handlers to wire errors', async () => {
    const ipc = new FakeIpcMain();
    const base = fakeHandlers();
    const handlers: Handlers = {
      ...base,
      app: {
        ...base.app,
        getInfo: async () => {
          throw new Error('boom');
        },
      },
      store: {
        ...base.store,
        summary: async () => {
          throw new DokueiError(ErrorCode.UpstreamUnreachable, 'PACS down');
        },
      },
    };
    bindIpc(ipc, handlers, { isTrustedSender: isTrustedIpcSender });
    const { event } = fakeInvokeEvent(TRUSTED);
    expect(await ipc.invoke(electronRequestChannel('store.summary'), event, {})).toEqual({
      ok: false,
      error: { code: ErrorCode.UpstreamUnreachable, message: 'PACS down' },
    });
    expect(await ipc.invoke(electronRequestChannel('app.getInfo'), event, {})).toEqual({
      ok: false,
      error: { code: ErrorCode.Internal, message: 'boom' },
    });
  });

  it('asks the given trust check, with the frame URL', async () => {
    const ipc = new FakeIpcMain();
    const asked: string[] = [];
    bindIpc(ipc, fakeHandlers(), {
      isTrustedSender: (url) => {
        asked.push(url);
        return false;
      },
    });
    const { event } = fakeInvokeEvent(TRUSTED);
    const result = (await ipc.invoke(electronRequestChannel('app.getInfo'), event, {})) as { ok: boolean; error?: { code: string } };
    expect(asked).toEqual([TRUSTED]);
    expect(result.error?.code).toBe(ErrorCode.Forbidden);
  });

  it('unbinds every channel it bound, so it can be bound again', () => {
    const { ipc, unbind } = setup();
    const bound = [...ipc.handleCalls];
    unbind();
    expect([...ipc.removed].sort()).toEqual([...bound].sort());
    expect(ipc.handlers.size).toBe(0);
    expect(() => bindIpc(ipc, fakeHandlers(), { isTrustedSender: isTrustedIpcSender })).not.toThrow();
  });
});
