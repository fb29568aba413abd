/**
 * Typed paths go through a confirm step before the services read them (they refuse a path the reader did not
 * pick with PATH_NOT_PICKED). Pure apart from the functions it is given, so it is unit-tested without a page.
 */
import { DokueiError, ErrorCode } from '../../../../common/ipc/errors';

export interface GrantSteps {
  /** Asks the reader whether these typed paths may be read (the page's dialog in the browser host; in Electron
   * main asks in a native dialog when files.grant is sent, so this answers true at once). */
  confirm(paths: readonly string[]): Promise<boolean>;
  /** files.grant: answers what was granted (nothing when the reader declined main's dialog). */
  grant(paths: readonly string[]): Promise<{ granted: string[] }>;
}

export const NOT_ALLOWED = 'Not read: reading the typed paths was not allowed.';

/**
 * Runs `call`; when the services say a path was not picked, asks the reader to confirm the typed paths, grants
 * them and runs it once more. Other errors (and a second refusal) go to the caller as they are.
 */
export async function withConfirmedPaths<T>(paths: readonly string[], call: () => Promise<T>, steps: GrantSteps): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof DokueiError) || err.code !== ErrorCode.PathNotPicked) throw err;
  }
  if (!(await steps.confirm(paths))) throw new Error(NOT_ALLOWED);
  const { granted } = await steps.grant(paths);
  if (granted.length === 0) throw new Error(NOT_ALLOWED);
  return call();
}
