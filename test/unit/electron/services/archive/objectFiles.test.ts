import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_NAME, hasObjects, newObjectId, objectFolders, objectPath, objectRelPath, readObject, writeObject } from '../../../../../electron/services/archive/objectFiles';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let root: string;
beforeEach(async () => {
  root = await makeTempDir('dokuei-objects-');
  for (const d of ['objects', 'tmp']) await fs.mkdir(path.join(root, d));
});
afterEach(async () => {
  await removeDir(root);
});

describe('archive object files', () => {
  it('names a file by a random id under a folder of its first two hex digits', () => {
    const id = newObjectId();
    expect(FILE_NAME.exec(`${id}.dka`)?.[1]).toBe(id);
    expect(objectRelPath(id)).toBe(path.join('objects', id.slice(0, 2), `${id}.dka`));
    expect(objectPath(root, id)).toBe(path.join(root, 'objects', id.slice(0, 2), `${id}.dka`));
    expect(newObjectId()).not.toBe(id);
  });

  it('writes through tmp/ into place and reads it back; a missing file reads as undefined', async () => {
    const id = newObjectId();
    const blob = randomBytes(300);
    expect(await readObject(root, id)).toBeUndefined();
    expect(await hasObjects(root)).toBe(false);
    await writeObject(root, id, blob);
    expect((await readObject(root, id))!.equals(blob)).toBe(true);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
    expect(await hasObjects(root)).toBe(true);
  });

  it('lists the subfolders of objects/ (sorted when asked), skipping entries that are not folders', async () => {
    const ids = ['ff', '0a', '7c'].map((p) => p + newObjectId().slice(2));
    for (const id of ids) await writeObject(root, id, randomBytes(10));
    await fs.writeFile(path.join(root, 'objects', 'stray'), 'x');
    const listed: string[] = [];
    for await (const { sub, dir, names } of objectFolders(root, true)) {
      expect(dir).toBe(path.join(root, 'objects', sub));
      listed.push(...names);
    }
    expect(listed).toEqual([...ids].sort().map((id) => `${id}.dka`));
  });
});
