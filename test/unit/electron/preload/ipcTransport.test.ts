import type { IpcRendererEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildClient } from '../../../../common/ipc/client';
import { contract, electronEventChannel, electronRequestChannel, eventNames } from '../../../../common/ipc/contract';
import { DokueiError, ErrorCode } from '../../../../common/ipc/errors';
import { createIpcTransport, type IpcRendererLike } from '../../../../electron/preload/ipcTransport';

type Listener = (event: IpcRendererEvent, ...args: unknown[]) => void;

/** Records invokes and keeps listeners per channel, like ipcRenderer. */
class FakeIpcRenderer implements IpcRendererLike {
  readonly invokes: Array<[string, unknown]> = [];
  readonly listeners = new Map<string, Listener[]>();
  reply: (channel: string, request: unknown) => unknown = () => ({ ok: true, value: {} });

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invokes.push([channel, args[0]]);
    return this.reply(channel, args[0]);
  }

  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }

  removeListener(channel: string, listener: Listener): this {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((l) => l !== listener));
    return this;
  }

  emit(channel: string, payload: unknown): void {
    const event = { sender: 'the ipcRenderer itself', senderId: 0 } as unknown as IpcRendererEvent;
    for (const l of this.listeners.get(channel) ?? []) l(event, payload);
  }
}

const info = { name: 'Dokuei', version: '1.0.0', host: 'electron', dataPlaneBaseUrl: 'dicomweb://local', upstreams: [] };

describe('createIpcTransport', () => {
  it('invokes the Electron channel name derived from the contract', async () => {
    const ipc = new FakeIpcRenderer();
    const transport = createIpcTransport(ipc);
    await transport.invoke('store.importPaths', { paths: ['/x'] });
    expect(ipc.invokes).toEqual([['dokuei:store.importPaths', { paths: ['/x'] }]]);
    expect(electronRequestChannel('store.importPaths')).toBe('dokuei:store.importPaths');
  });

  it('delivers only the payload to subscribers, and stops after unsubscribe', () => {
    const ipc = new FakeIpcRenderer();
    const transport = createIpcTransport(ipc);
    const got: unknown[][] = [];
    const unsubscribe = transport.subscribe('storeChanged', (...args: unknown[]) => got.push(args));
    expect(ipc.listeners.get(electronEventChannel('storeChanged'))).toHaveLength(1);
    ipc.emit(electronEventChannel('storeChanged'), { studies: 1, instances: 2 });
    expect(got).toEqual([[{ studies: 1, instances: 2 }]]);
    unsubscribe();
    expect(ipc.listeners.get(electronEventChannel('storeChanged'))).toHaveLength(0);
    ipc.emit(electronEventChannel('storeChanged'), { studies: 9, instances: 9 });
    expect(got).toHaveLength(1);
  });

  it('keeps separate subscriptions independent', () => {
    const ipc = new FakeIpcRenderer();
    const transport = createIpcTransport(ipc);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = transport.subscribe('storeChanged', (p) => a.push(p));
    transport.subscribe('storeChanged', (p) => b.push(p));
    offA();
    ipc.emit(electronEventChannel('storeChanged'), { studies: 0, instances: 0 });
    expect(a).toEqual([]);
    expect(b).toHaveLength(1);
  });
});

describe('the preload client over the IPC transport', () => {
  it('exposes exactly the contract namespaces and methods, plus on', () => {
    const api = buildClient(createIpcTransport(new FakeIpcRenderer())) as unknown as Record<string, Record<string, unknown>>;
    const namespaces = Object.keys(contract.requests);
    expect(Object.keys(api).sort()).toEqual([...namespaces, 'on'].sort());
    for (const ns of namespaces) {
      const methods = Object.keys(contract.requests[ns as keyof typeof contract.requests]);
      expect(Object.keys(api[ns]!).sort(), ns).toEqual([...methods].sort());
      for (const m of methods) expect(typeof api[ns]![m], `${ns}.${m}`).toBe('function');
    }
    expect(Object.keys(api.on!).sort()).toEqual([...eventNames()].sort());
  });

  it('round-trips a call and unwraps the result', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.reply = () => ({ ok: true, value: info });
    const api = buildClient(createIpcTransport(ipc));
    await expect(api.app.getInfo({})).resolves.toEqual(info);
    expect(ipc.invokes).toEqual([['dokuei:app.getInfo', {}]]);
  });

  it('turns a wire error into a DokueiError with its code', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.reply = () => ({ ok: false, error: { code: ErrorCode.Forbidden, message: 'no' } });
    const api = buildClient(createIpcTransport(ipc));
    const err = await api.store.summary({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DokueiError);
    expect((err as DokueiError).code).toBe(ErrorCode.Forbidden);
  });

  it('refuses a malformed call before it reaches IPC', async () => {
    const ipc = new FakeIpcRenderer();
    const api = buildClient(createIpcTransport(ipc));
    await expect(api.store.importPaths({ paths: [] })).rejects.toMatchObject({ code: ErrorCode.InvalidRequest });
    expect(ipc.invokes).toEqual([]);
  });

  it('wires on.storeChanged to the event channel', () => {
    const ipc = new FakeIpcRenderer();
    const api = buildClient(createIpcTransport(ipc));
    const got: unknown[] = [];
    const off = api.on.storeChanged((p) => got.push(p));
    ipc.emit(electronEventChannel('storeChanged'), { studies: 3, instances: 4 });
    off();
    ipc.emit(electronEventChannel('storeChanged'), { studies: 5, instances: 6 });
    expect(got).toEqual([{ studies: 3, instances: 4 }]);
  });
});
