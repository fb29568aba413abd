/**
 * Loads the real preload entry with 'electron' replaced by a recording fake: it must expose one thing,
 * window.dokuei, built from the contract, and route calls and events through ipcRenderer.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, electronEventChannel, eventNames } from '../../../../common/ipc/contract';

const fake = vi.hoisted(() => {
  type Listener = (event: unknown, payload: unknown) => void;
  const state = {
    exposed: [] as Array<[string, unknown]>,
    invokes: [] as Array<[string, unknown]>,
    listeners: new Map<string, Listener[]>(),
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        state.exposed.push([key, api]);
      },
    },
    ipcRenderer: {
      invoke: async (channel: string, request: unknown) => {
        state.invokes.push([channel, request]);
        return { ok: true, value: { root: '/s', studies: 0, series: 0, instances: 0, bytes: 0 } };
      },
      on: (channel: string, l: Listener) => {
        state.listeners.set(channel, [...(state.listeners.get(channel) ?? []), l]);
      },
      removeListener: (channel: string, l: Listener) => {
        state.listeners.set(channel, (state.listeners.get(channel) ?? []).filter((x) => x !== l));
      },
    },
  };
  return { state, electron };
});

vi.mock('electron', () => fake.electron);

describe('preload', () => {
  beforeEach(async () => {
    fake.state.exposed.length = 0;
    fake.state.invokes.length = 0;
    fake.state.listeners.clear();
    vi.resetModules();
    await import('../../../../electron/preload/preload');
  });

  it('exposes exactly one API, as window.dokuei', () => {
    expect(fake.state.exposed.map(([key]) => key)).toEqual(['dokuei']);
  });

  it('exposes the contract and nothing else (no ipcRenderer, no generic invoke)', () => {
    const api = fake.state.exposed[0]![1] as Record<string, Record<string, unknown>>;
    expect(Object.keys(api).sort()).toEqual([...Object.keys(contract.requests), 'on'].sort());
    for (const [ns, methods] of Object.entries(contract.requests)) {
      expect(Object.keys(api[ns]!).sort()).toEqual(Object.keys(methods).sort());
    }
    expect(Object.keys(api.on!).sort()).toEqual([...eventNames()].sort());
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/invoke|ipc|send/i);
  });

  it('sends calls over ipcRenderer.invoke and events back through on', async () => {
    const api = fake.state.exposed[0]![1] as {
      store: { summary(r: object): Promise<unknown> };
      on: { storeChanged(l: (p: unknown) => void): () => void };
    };
    await expect(api.store.summary({})).resolves.toMatchObject({ root: '/s' });
    expect(fake.state.invokes).toEqual([['dokuei:store.summary', {}]]);
    const got: unknown[] = [];
    const off = api.on.storeChanged((p) => got.push(p));
    for (const l of fake.state.listeners.get(electronEventChannel('storeChanged')) ?? []) l({ sender: 'ipc' }, { studies: 1, instances: 1 });
    off();
    expect(got).toEqual([{ studies: 1, instances: 1 }]);
    expect(fake.state.listeners.get(electronEventChannel('storeChanged'))).toEqual([]);
  });
});
