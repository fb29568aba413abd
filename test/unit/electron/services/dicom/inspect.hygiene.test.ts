/**
 * `inspect` on what is not a regular file, and on files a library cannot read: refused at once with a
 * sentence, the library's own words only in errorDetail (for --json).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectFile, inspectFiles } from '../../../../../electron/services/dicom/inspect';
import { demoCtDir, dicomFilesIn, sharedDataDir } from '../../../../support/data';
import { writeDcmjs } from '../../../../support/dcmjsWrite';
import { mrTruncatedLike } from '../../../../support/incompleteInstances';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-inspect-hygiene-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('inspect: input hygiene', () => {
  it('refuses a FIFO at once, and FIFOs being inspected do not hold up other file reads', async () => {
    const fifos = Array.from({ length: 6 }, (_, i) => path.join(dir, `pipe${i}.dcm`));
    for (const f of fifos) execFileSync('mkfifo', [f]);
    // More FIFOs than libuv has threadpool threads (4): before, each blocked a thread in open() and every
    // other read in the process waited (the browser host stopped serving frames). Nobody writes to them.
    const [results, regular] = await Promise.all([Promise.all(fifos.map((f) => inspectFile(f))), fs.readFile(dicomFilesIn(demoCtDir())[0]!)]);
    expect(regular.byteLength).toBeGreaterThan(0);
    for (const r of results) expect(r).toMatchObject({ ok: false, error: 'Only regular files are read: this is a FIFO (named pipe)' });
  });

  it('refuses a device and a folder with a reason', async () => {
    const [device, folder] = await inspectFiles(['/dev/zero', dir]);
    expect(device).toMatchObject({ ok: false, error: 'Only regular files are read: this is a character device' });
    expect(folder).toMatchObject({ ok: false, error: 'Is a folder' });
  });

  it('says an incomplete file is incomplete', async () => {
    const file = path.join(dir, 'MR_truncated.dcm');
    await fs.writeFile(file, mrTruncatedLike());
    const r = await inspectFile(file);
    expect(r).toMatchObject({ ok: true, frames: null, framesError: expect.stringMatching(/^Incomplete instance: the file is truncated/) });
  });

  it.skipIf(!sharedDataDir('pydicom_testfiles_bad_rt'))("says a 32-bit RLE image cannot be shown, in a sentence, not in the loader's words (pydicom SC_rgb_rle_32bit)", async () => {
    const r = await inspectFile(path.join(sharedDataDir('pydicom_testfiles_bad_rt')!, 'SC_rgb_rle_32bit.dcm'));
    expect(r.framesError).toBe('Frame 1: The image uses a pixel format the decoder does not support (such as 32-bit RLE): it cannot be shown');
    expect(r.errorDetail).toBe('Frame 1: unsupported pixel format for RLE');
  });

  it('decodes 32-bit pixel data that lies at an offset not a multiple of 4 in the file (no "Uint32Array" error)', async () => {
    // Before, the decoder got a Buffer view at the file's own offset (Buffer.slice copies nothing) and failed
    // with "start offset of Uint32Array should be a multiple of 4" (pydicom's rtdose_1frame.dcm did).
    const file = path.join(dir, 'dose32.dcm');
    const values = Uint32Array.from({ length: 100 }, (_, i) => 1000 * i);
    for (const name of ['Dose^A', 'Dose^AB']) {
      const bytes = writeDcmjs({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.481.2', SOPInstanceUID: '2.25.3232', StudyInstanceUID: '2.25.3233', SeriesInstanceUID: '2.25.3234',
        Modality: 'RTDOSE', PatientName: name, Rows: 10, Columns: 10, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2',
        BitsAllocated: 32, BitsStored: 32, HighBit: 31, PixelRepresentation: 0, PixelData: values.buffer,
      });
      if (Buffer.from(bytes).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00])) % 4 === 0) continue; // value at offset ≡ 0 (mod 4): try the other name
      await fs.writeFile(file, bytes);
      break;
    }
    const r = await inspectFile(file);
    expect(r).toMatchObject({ ok: true, framesError: null, errorDetail: null });
    expect(r.frames).toEqual([expect.objectContaining({ min: 0, max: 99000 })]);
  });

  const bad = sharedDataDir('pydicom_testfiles_bad_rt');
  it.runIf(bad && existsSync(path.join(bad, 'SC_rgb_jpeg.dcm')))("keeps dicom-parser's raw message out of the sentence (SC_rgb_jpeg.dcm from ../shared)", async () => {
    const r = await inspectFile(path.join(bad!, 'SC_rgb_jpeg.dcm'));
    expect(r.framesError).toBe('The file is truncated or damaged: a value runs past the end of the data');
    expect(r.errorDetail).toBe('dicomParser:parseDicomDataSetExplicit: buffer overrun');
  });
});
