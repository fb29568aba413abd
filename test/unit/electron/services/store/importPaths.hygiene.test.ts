/**
 * Input hygiene of `importPaths`: only regular files are read (FIFOs, sockets, devices refused at once with a
 * reason), symbolic links inside imported folders are followed, and loops and broken links are reported,
 * never skipped without a word.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { demoCtDir, dicomFilesIn } from '../../../../support/data';
import { openTestArchive } from '../../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-import-hygiene-');
});
afterEach(async () => {
  await removeDir(dir);
});

const ct = dicomFilesIn(demoCtDir());

describe('importPaths: input hygiene', () => {
  it('refuses a FIFO, a socket and a device at once, with the reason, and imports the rest', async () => {
    const fifo = path.join(dir, 'pipe.dcm');
    execFileSync('mkfifo', [fifo]);
    const socketPath = path.join(dir, 'sock.dcm');
    const server = net.createServer().listen(socketPath);
    await new Promise((resolve) => server.once('listening', resolve));
    const archive = await openTestArchive(path.join(dir, 'archive'));
    try {
      // Nobody ever writes to the FIFO: a blocking open would never return and the test would time out.
      const result = await importPaths(archive, [fifo, socketPath, '/dev/null', ct[0]!]);
      expect(result.imported).toBe(1);
      expect(result.failed).toEqual([
        { path: fifo, reason: 'Only regular files are read: this is a FIFO (named pipe)', says: { key: 'services.read.notRegular.fifo' } },
        { path: socketPath, reason: 'Only regular files are read: this is a socket', says: { key: 'services.read.notRegular.socket' } },
        { path: '/dev/null', reason: 'Only regular files are read: this is a character device', says: { key: 'services.read.notRegular.charDevice' } },
      ]);
    } finally {
      await archive.close();
      server.close();
    }
  });

  it('follows symbolic links to files and folders, reports a loop, a broken link and a FIFO inside a folder', async () => {
    const outside = path.join(dir, 'outside');
    const picked = path.join(dir, 'picked');
    mkdirSync(path.join(outside, 'series'), { recursive: true });
    mkdirSync(path.join(picked, 'sub'), { recursive: true });
    copyFileSync(ct[0]!, path.join(picked, 'a.dcm'));
    copyFileSync(ct[1]!, path.join(outside, 'b.dcm'));
    copyFileSync(ct[2]!, path.join(outside, 'series', 'c.dcm'));
    symlinkSync(path.join(outside, 'b.dcm'), path.join(picked, 'link-to-file.dcm'));
    symlinkSync(path.join(outside, 'series'), path.join(picked, 'link-to-folder'));
    symlinkSync(path.join(picked, 'a.dcm'), path.join(picked, 'sub', 'same-file-again.dcm')); // a.dcm once only
    symlinkSync(picked, path.join(picked, 'sub', 'loop'));
    symlinkSync(path.join(dir, 'gone.dcm'), path.join(picked, 'broken.dcm'));
    execFileSync('mkfifo', [path.join(picked, 'sub', 'pipe')]);
    const archive = await openTestArchive(path.join(dir, 'archive'));
    try {
      const result = await importPaths(archive, [picked]);
      expect(result).toMatchObject({ imported: 3, skipped: 0, replaced: 0, conflicts: [] });
      expect(result.failed).toEqual([
        { path: path.join(picked, 'broken.dcm'), reason: 'A broken symbolic link: its target does not exist', says: { key: 'services.read.brokenLink' } },
        {
          path: path.join(picked, 'sub', 'loop'),
          reason: expect.stringMatching(/^A symbolic link loop: it points back at .*picked, which is already being imported; not followed$/),
          says: { key: 'services.read.linkLoop', values: { target: expect.stringMatching(/picked$/) } },
        },
        { path: path.join(picked, 'sub', 'pipe'), reason: 'Only regular files are read: this is a FIFO (named pipe)', says: { key: 'services.read.notRegular.fifo' } },
      ]);
    } finally {
      await archive.close();
    }
  });
});
