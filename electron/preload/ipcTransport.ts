/**
 * The Electron transport under the contract client: request channels go through ipcRenderer.invoke,
 * events come back on ipcRenderer.on. Takes ipcRenderer as a parameter so it can be tested with a fake.
 */
import type { IpcRendererEvent } from 'electron';
import type { ClientTransport } from '../../common/ipc/client';
import { electronEventChannel, electronRequestChannel } from '../../common/ipc/contract';
import type { WireResult } from '../../common/ipc/errors';

/** The three ipcRenderer methods the transport uses; Electron's ipcRenderer satisfies it, and so can a fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

export function createIpcTransport(ipc: IpcRendererLike): ClientTransport {
  return {
    invoke: (channel, request) => ipc.invoke(electronRequestChannel(channel), request) as Promise<WireResult<unknown>>,
    subscribe: (event, listener) => {
      const name = electronEventChannel(event);
      // Pass the payload only: the IpcRendererEvent carries `sender` (ipcRenderer itself), which must
      // never reach page code.
      const onMessage = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipc.on(name, onMessage);
      return () => {
        ipc.removeListener(name, onMessage);
      };
    },
  };
}
