/**
 * Electron's side of the path grants (services/app/pathGrants.ts): here the reader, not the page, says which
 * paths may be read. files.choose opens the native dialog and grants what the reader picks; files.grant (typed
 * paths) grants only after the reader allowed them in a native message box drawn by main. A page that is not
 * the reader's can call both, but it cannot answer either dialog. Pure (the dialogs are given), so it is
 * tested without Electron.
 */
import type { Handlers } from '../../common/ipc/contract';
import type { PathGrants } from '../services/app/pathGrants';

export interface NativeFileDialogs {
  /** Asks the reader, in a dialog of this window, whether these typed paths may be read. */
  confirmPaths(windowId: string, paths: readonly string[]): Promise<boolean>;
  /** The open dialog of this window (files, or folders); [] when cancelled. */
  choosePaths(windowId: string, folders: boolean): Promise<string[]>;
}

export function withNativeFileGrants(handlers: Handlers, grants: PathGrants, dialogs: NativeFileDialogs): Handlers {
  return {
    ...handlers,
    files: {
      ...handlers.files,
      grant: async ({ paths }, ctx) => {
        if (!(await dialogs.confirmPaths(ctx.windowId, paths))) return { granted: [] };
        return { granted: await grants.grant(ctx.windowId, paths) };
      },
      choose: async ({ folders }, ctx) => {
        const picked = await dialogs.choosePaths(ctx.windowId, folders);
        if (picked.length > 0) await grants.grant(ctx.windowId, picked);
        return { paths: picked };
      },
    },
  };
}

/** The message box's text: every path, so the reader sees exactly what is asked for. */
export function confirmPathsMessage(paths: readonly string[]): { message: string; detail: string } {
  return {
    message: paths.length === 1 ? 'Allow Dokuei to read this path?' : `Allow Dokuei to read these ${paths.length} paths?`,
    detail: `${paths.join('\n')}\n\nA folder includes everything in it. Dokuei asks because the path was typed, not chosen in a file dialog.`,
  };
}
