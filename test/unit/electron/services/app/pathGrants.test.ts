/**
 * The per-window path grants behind files.inspect and import: a picked path covers itself and what is under
 * it, for the window that picked it only; `..`, symbolic links out of a picked folder and relative paths are
 * refused like any other path the reader did not pick, with a message naming it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DokueiError, ErrorCode } from '../../../../../common/ipc/errors';
import { PathGrants } from '../../../../../electron/services/app/pathGrants';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let dir: string;
let picked: string;
beforeEach(async () => {
  dir = await fs.realpath(await makeTempDir('dokuei-grants-'));
  picked = path.join(dir, 'picked');
  await fs.mkdir(path.join(picked, 'series'), { recursive: true });
  await fs.writeFile(path.join(picked, 'series', 'a.dcm'), 'x');
  await fs.writeFile(path.join(dir, 'secret.txt'), 'x');
  await fs.mkdir(path.join(dir, 'picked-not'));
});
afterEach(() => removeDir(dir));

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DokueiError);
  return err as DokueiError;
};

describe('PathGrants', () => {
  it('a picked folder covers everything under it, for the window that picked it only', async () => {
    const grants = new PathGrants();
    expect(await grants.grant('w1', [picked])).toEqual([picked]);
    await grants.check('w1', [picked, path.join(picked, 'series', 'a.dcm'), path.join(picked, 'series', 'not-yet.dcm')]);
    const other = await refusal(grants.check('w2', [path.join(picked, 'series', 'a.dcm')]));
    expect(other.code).toBe(ErrorCode.PathNotPicked);
    // Keyed for the Files panel to say it in the reader's language (#18), naming the same path.
    expect(other.says).toEqual({ key: 'services.files.notPicked', values: { path: path.join(picked, 'series', 'a.dcm') } });
    grants.revoke('w1');
    expect((await refusal(grants.check('w1', [picked]))).code).toBe(ErrorCode.PathNotPicked);
  });

  it('refuses /etc/passwd, a sibling with the same prefix, and `..` out of the picked folder, naming the path', async () => {
    const grants = new PathGrants();
    await grants.grant('w', [picked]);
    for (const p of ['/etc/passwd', path.join(dir, 'picked-not'), path.join(picked, '..', 'secret.txt'), `${picked}/series/../../secret.txt`]) {
      const err = await refusal(grants.check('w', [path.join(picked, 'series', 'a.dcm'), p]));
      expect(err.code).toBe(ErrorCode.PathNotPicked);
      expect(err.message).toContain(p);
    }
  });

  it('follows symbolic links: a link out of the picked folder is refused, a link to a picked file is allowed', async () => {
    const grants = new PathGrants();
    await fs.symlink(path.join(dir, 'secret.txt'), path.join(picked, 'out.txt'));
    await fs.symlink(path.join(picked, 'series', 'a.dcm'), path.join(dir, 'link-in.dcm'));
    await grants.grant('w', [picked]);
    expect((await refusal(grants.check('w', [path.join(picked, 'out.txt')]))).code).toBe(ErrorCode.PathNotPicked);
    await grants.check('w', [path.join(dir, 'link-in.dcm')]);
  });

  it('takes only full paths, and refuses a relative one when checking', async () => {
    const grants = new PathGrants();
    expect((await refusal(grants.grant('w', ['picked']))).code).toBe(ErrorCode.InvalidRequest);
    await grants.grant('w', [picked]);
    expect((await refusal(grants.check('w', ['picked/series/a.dcm']))).code).toBe(ErrorCode.PathNotPicked);
  });
});
