/**
 * Binds every request channel of the IPC contract to ipcMain.handle. The channel list comes from walking
 * the contract, so nothing can be bound that the contract does not define, and validation plus error
 * mapping are the shared dispatch() the browser host uses too.
 * Typed with Electron's types, but takes ipcMain as a parameter: no runtime import of 'electron', so the
 * binder is tested under plain Node with a fake.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { type CallContext, type Handlers, electronEventChannel, electronRequestChannel, requestChannels } from '../../common/ipc/contract';
import { dispatch } from '../../common/ipc/dispatch';
import { ErrorCode, type WireResult } from '../../common/ipc/errors';

export interface IpcBindingOptions {
  /** Decides from the calling frame's URL whether to answer at all (guards.isTrustedIpcSender in the app). */
  isTrustedSender(url: string): boolean;
}

export function bindIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
  options: IpcBindingOptions,
): () => void {
  const bound: string[] = [];
  for (const { channel } of requestChannels()) {
    const name = electronRequestChannel(channel);
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, rawRequest: unknown): Promise<WireResult<unknown>> => {
      // senderFrame is null once the frame navigated away or closed: treat that as untrusted too.
      const frameUrl = event.senderFrame?.url;
      if (!frameUrl || !options.isTrustedSender(frameUrl)) {
        return { ok: false, error: { code: ErrorCode.Forbidden, message: `IPC refused for ${channel}: the caller is not the Dokuei UI` } };
      }
      const sender = event.sender;
      const ctx: CallContext = {
        windowId: String(sender.id),
        emit: (eventName, payload) => {
          // Progress can arrive after the window closed (a long import); sending then would throw.
          if (!sender.isDestroyed()) sender.send(electronEventChannel(eventName), payload);
        },
      };
      return dispatch(handlers, channel, rawRequest, ctx);
    });
    bound.push(name);
  }
  return () => {
    for (const name of bound) ipcMain.removeHandler(name);
  };
}
