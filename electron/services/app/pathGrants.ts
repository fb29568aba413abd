/**
 * The paths each window may read through `files.inspect` and `store.importPaths`: only what the reader picked.
 * A grant covers a path and everything under it. Grants come from:
 *   - the Electron main process: the paths of an open dialog, and typed paths the reader allowed in a native
 *     dialog that main itself draws (electron/main). The page cannot draw or click that dialog, so in Electron
 *     a page that is not the reader's (a script injected into a rendered report, say) can read nothing the
 *     reader did not pick.
 *   - the browser host: `files.grant`, which the page sends after the reader confirmed the typed paths in the
 *     Files panel. There the page itself is the UI, so the services cannot tell a confirming click from a script
 *     that sends `files.grant` on its own: the grant only stops code that calls `files.inspect` or import
 *     without going through it (a stray or injected call naming /etc/passwd), not a fully compromised page.
 *     The browser host is for tests and development on the reader's own machine; Electron is the product.
 *
 * Paths are compared after resolving `..` and symbolic links, so `<granted>/../../etc/passwd` or a link that
 * points out of a granted folder is refused like any other path outside the grants.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DokueiError, ErrorCode } from '../../../common/ipc/errors';
import { says } from '../../../common/i18n/says';

/** Grants per window at most: a page looping over files.grant cannot grow the set without bound. */
const MAX_GRANTS_PER_WINDOW = 1000;

/** The path as the file system resolves it (symbolic links followed); as written when it does not exist (yet). */
async function canonical(p: string): Promise<string> {
  const abs = path.resolve(p);
  try {
    return await fs.realpath(abs);
  } catch {
    // A path that does not exist: resolve what does (its parent), so a link in the parent still counts.
    const parent = path.dirname(abs);
    if (parent === abs) return abs;
    return path.join(await canonical(parent), path.basename(abs));
  }
}

function isUnder(root: string, p: string): boolean {
  if (p === root) return true;
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export class PathGrants {
  private readonly byWindow = new Map<string, Set<string>>();

  /** Records the paths the reader picked for this window; answers them as they were resolved. */
  async grant(windowId: string, paths: readonly string[]): Promise<string[]> {
    const set = this.byWindow.get(windowId) ?? new Set<string>();
    const granted: string[] = [];
    for (const p of paths) {
      if (!path.isAbsolute(p)) throw new DokueiError(ErrorCode.InvalidRequest, `Give the full path (from the root of the disk): ${p}`, says('services.files.notAbsolute', { path: p }));
      const c = await canonical(p);
      if (!set.has(c) && set.size >= MAX_GRANTS_PER_WINDOW) throw new DokueiError(ErrorCode.InvalidRequest, `At most ${MAX_GRANTS_PER_WINDOW} picked paths per window`, says('services.files.tooMany', { max: MAX_GRANTS_PER_WINDOW }));
      set.add(c);
      granted.push(c);
    }
    this.byWindow.set(windowId, set);
    return granted;
  }

  /** Whether the reader picked this path, or a folder it is in, for this window. */
  async isGranted(windowId: string, p: string): Promise<boolean> {
    const set = this.byWindow.get(windowId);
    if (!set || !path.isAbsolute(p)) return false;
    const c = await canonical(p);
    for (const root of set) if (isUnder(root, c)) return true;
    return false;
  }

  /** Throws PATH_NOT_PICKED naming the first path the reader did not pick, before anything is read. */
  async check(windowId: string, paths: readonly string[]): Promise<void> {
    for (const p of paths) {
      if (!(await this.isGranted(windowId, p))) {
        throw new DokueiError(
          ErrorCode.PathNotPicked,
          `${p} was not picked in Dokuei: choose it in the Files panel (or confirm the typed path there) before it can be read`,
          says('services.files.notPicked', { path: p }),
        );
      }
    }
  }

  /** The window closed: what it was given goes with it. */
  revoke(windowId: string): void {
    this.byWindow.delete(windowId);
  }
}
