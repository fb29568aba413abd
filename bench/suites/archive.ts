/**
 * Archive: write and read throughput of the encrypted local archive (AES-256-GCM per file, encrypted journal)
 * against the plain store. EncryptedArchive has no plaintext mode, so the baseline is the bench's own plain
 * store (bench/lib/plainStore.ts, never in the product): the same InstanceStore interface, the same temp +
 * fsync + rename writes, no encryption.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getString } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { seriesUid, sopUid, studyUid } from '../../common/dicom/uid';
import { EncryptedArchive } from '../../electron/services/archive/encryptedArchive';
import { EnvKeyProvider } from '../../electron/services/archive/keyProvider';
import { readPart10Header } from '../../electron/services/dicom/part10';
import type { InstanceStore } from '../../electron/services/store/instanceStore';
import { evenlySpaced } from '../../test/support/data';
import { makeTempDir, removeDir } from '../../test/support/tempDir';
import { benchCt, MB } from '../lib/data';
import { PlainStore } from '../lib/plainStore';
import { barChart } from '../lib/plots';
import { median } from '../lib/stats';
import type { Suite } from '../lib/types';

export const archiveSuite: Suite = {
  name: 'archive',
  title: 'Local archive: write and read MB/s, encrypted vs the plain store',
  async run(ctx) {
    const ct = benchCt();
    const files = evenlySpaced(ct.files, ctx.options.quick ? 20 : 80).map((f) => {
      const bytes = new Uint8Array(readFileSync(f));
      const ds = readPart10Header(bytes).dataset;
      return { bytes, st: studyUid(getString(ds, Tag.StudyInstanceUID)), se: seriesUid(getString(ds, Tag.SeriesInstanceUID)), sop: sopUid(getString(ds, Tag.SOPInstanceUID)) };
    });
    const total = files.reduce((n, f) => n + f.bytes.byteLength, 0);
    ctx.note(`${files.length} instances of ${ct.label}, ${(total / MB).toFixed(1)} MB per run; every write fsyncs (temp + rename), reads hit the page cache.`);
    ctx.note('EncryptedArchive has no plaintext mode: the baseline is the plain store bench/lib/plainStore.ts (same InstanceStore interface and durable-write path, no encryption, no journal).');
    const key = new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') });

    const once = async (kind: 'encrypted' | 'plain') => {
      const dir = await makeTempDir(`dokuei-bench-${kind}-`);
      let store: InstanceStore & { close?: () => Promise<void> } | undefined;
      try {
        store = kind === 'encrypted' ? await EncryptedArchive.open(path.join(dir, 'a'), { keyProvider: key }) : await PlainStore.open(path.join(dir, 'a'));
        let t0 = performance.now();
        for (const f of files) await store.put(f.bytes);
        const writeS = (performance.now() - t0) / 1000;
        t0 = performance.now();
        let read = 0;
        for (const f of files) read += (await store.readInstance(f.st, f.se, f.sop))?.byteLength ?? 0;
        const readS = (performance.now() - t0) / 1000;
        if (read !== total) throw new Error(`${kind} store read back ${read} bytes of ${total}`);
        return { write: total / MB / writeS, read: total / MB / readS };
      } finally {
        await store?.close?.();
        await removeDir(dir);
      }
    };

    const enc: { write: number; read: number }[] = [];
    const plain: { write: number; read: number }[] = [];
    // Interleaved, so drift on a noisy machine hits both sides alike.
    for (let i = -ctx.options.warmups; i < ctx.options.runs; i++) {
      const e = await once('encrypted');
      const p = await once('plain');
      if (i >= 0) {
        enc.push(e);
        plain.push(p);
      }
    }
    ctx.record('archive.writeMBps', 'MB/s', enc.map((x) => x.write), plain.map((x) => x.write), { better: 'higher', baselineIs: 'plain store, same writes' });
    ctx.record('archive.readMBps', 'MB/s', enc.map((x) => x.read), plain.map((x) => x.read), { better: 'higher', baselineIs: 'plain store, same reads' });
    ctx.plot(
      barChart(
        'Archive throughput (median MB/s)',
        [
          { label: 'write, encrypted', value: median(enc.map((x) => x.write)) },
          { label: 'write, plain', value: median(plain.map((x) => x.write)) },
          { label: 'read, encrypted', value: median(enc.map((x) => x.read)) },
          { label: 'read, plain', value: median(plain.map((x) => x.read)) },
        ],
        'MB/s',
      ),
    );
  },
};
