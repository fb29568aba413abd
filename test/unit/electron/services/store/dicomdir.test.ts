/**
 * readDicomdir (issue #18) on a DICOMDIR written by dcmmkdir (test/fixtures/dicomdir, its image files not kept): the
 * hierarchy by the records' offsets, every record's file reported missing; the same tree from the records' order when
 * the root offset points nowhere (with a warning); pydicom's DICOMDIR variants (big endian, implicit VR, records
 * reordered) when ../shared is present; and a property: a damaged DICOMDIR gives a tree or an Error, never a crash.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dicomdirInstances, readDicomdir, type DicomdirContents } from '../../../../../electron/services/store/dicomdir';
import { repoRoot, sharedDataDir } from '../../../../support/data';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const FIXTURE = path.join(repoRoot, 'test/fixtures/dicomdir/DICOMDIR');
const pydicom = sharedDataDir('pydicom_testfiles_bad_rt');

const tree = (c: DicomdirContents) => c.patients.map((p) => [p.patientId, p.studies.map((s) => [s.studyInstanceUid, s.series.map((se) => [se.modality, se.instances.map((i) => i.referencedFileId)])])]);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-dicomdir-unit-');
});
afterEach(async () => removeDir(dir));

describe('readDicomdir', () => {
  it('reads patient → study → series → image by the records’ offsets, and lists the files the media lacks', async () => {
    const file = path.join(dir, 'DICOMDIR');
    copyFileSync(FIXTURE, file);
    const c = await readDicomdir(file);
    expect(c.warnings).toEqual([]);
    expect(tree(c)).toEqual([
      ['DDA', [['2.25.555000.1', [['CT', ['ST0/IM0', 'ST0/IM1', 'ST0/IM2']]]]]],
      ['DDB', [['2.25.555001.1', [['CT', ['ST1/IM0', 'ST1/IM1', 'ST1/IM2']]]], ['2.25.555002.1', [['CT', ['ST2/IM0', 'ST2/IM1', 'ST2/IM2']]]]]],
    ]);
    expect(c.patients[0]!.patientName).toBe('SYNTHETIC^SPHERE');
    expect(c.missing).toHaveLength(9);
    expect(dicomdirInstances(c, new Set(['2.25.555002.1'])).map((i) => i.referencedFileId)).toEqual(['ST2/IM0', 'ST2/IM1', 'ST2/IM2']);
    expect(dicomdirInstances(c).every((i) => !i.exists && i.file.startsWith(dir))).toBe(true);
  });

  it('falls back to the records’ order when the root offset points to no record, and says so', async () => {
    const bytes = Buffer.from(readFileSync(FIXTURE));
    // (0004,1200) UL, explicit VR little endian: tag, "UL", length 4, value.
    const at = bytes.indexOf(Buffer.from([0x04, 0x00, 0x00, 0x12, 0x55, 0x4c, 0x04, 0x00]));
    expect(at).toBeGreaterThan(0);
    bytes.writeUInt32LE(7, at + 8);
    const file = path.join(dir, 'DICOMDIR');
    writeFileSync(file, bytes);
    const c = await readDicomdir(file);
    expect(c.warnings.join(' ')).toMatch(/read in order/);
    expect(tree(c)).toEqual(tree(await readDicomdir(FIXTURE)));
  });

  it('refuses a file that is not DICOM with its reason', async () => {
    const file = path.join(dir, 'DICOMDIR');
    writeFileSync(file, 'not a dicomdir');
    await expect(readDicomdir(file)).rejects.toThrow(/could not be read as a DICOMDIR/);
  });

  it.skipIf(!pydicom)('reads pydicom’s DICOMDIR variants to the same tree', async () => {
    const d = path.join(pydicom!, 'dicomdirtests');
    const reference = tree(await readDicomdir(path.join(d, 'DICOMDIR')));
    expect(dicomdirInstances(await readDicomdir(path.join(d, 'DICOMDIR'))).length).toBe(31);
    for (const variant of ['DICOMDIR-bigEnd', 'DICOMDIR-implicit', 'DICOMDIR-reordered']) {
      const c = await readDicomdir(path.join(d, variant));
      expect(c.missing, variant).toEqual([]);
      // Reordered records: the same patients, studies and files, whatever order the siblings come in.
      const sorted = (t: unknown) => JSON.stringify(t, (_k, v: unknown) => (Array.isArray(v) ? [...v].sort() : v));
      expect(sorted(tree(c)), variant).toBe(sorted(reference));
    }
  });

  it('gives a tree or an Error on a damaged DICOMDIR, never anything else (property)', async () => {
    const original = readFileSync(FIXTURE);
    const file = path.join(dir, 'DICOMDIR');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(original.length), async (flips, cut) => {
        const bytes = Buffer.from(original);
        for (const [i, v] of flips) bytes[i] = v;
        writeFileSync(file, bytes.subarray(0, Math.max(132, cut)));
        try {
          const c = await readDicomdir(file);
          expect(Array.isArray(c.patients)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
