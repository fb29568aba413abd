/** `dokuei inspect --json` on the Japanese fixtures: the patient's name comes out decoded, whole and by group. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { inspectFile } from '../../../../../electron/services/dicom/inspect';
import { repoRoot } from '../../../../support/data';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');
const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/charsets', name);

describe('dokuei inspect on ISO 2022 Japanese names', () => {
  it('inspect --json prints patientName decoded in the DICOM form, and its groups', async () => {
    const { stdout } = await run(process.execPath, [bin, 'inspect', '--json', fixture('chrH31.dcm'), fixture('chrH32.dcm')], { timeout: 60000 });
    const [h31, h32] = JSON.parse(stdout) as Record<string, unknown>[];
    expect(h31).toMatchObject({
      ok: true,
      error: null,
      transferSyntaxUID: '1.2.840.10008.1.2.1',
      patientId: 'H31EXAMPLE',
      patientName: 'Yamada^Tarou=山田^太郎=やまだ^たろう',
      patientNameGroups: { alphabetic: 'Yamada^Tarou', ideographic: '山田^太郎', phonetic: 'やまだ^たろう' },
    });
    expect(h32).toMatchObject({
      ok: true,
      patientName: 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう',
      patientNameGroups: { alphabetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ', ideographic: '山田^太郎', phonetic: 'やまだ^たろう' },
    });
  });

  it('lists every person name, those in sequence items too, decoded with the set that applies there', async () => {
    const { stdout } = await run(process.execPath, [bin, 'inspect', '--json', fixture('chrSQEncoding.dcm'), fixture('chrSQEncoding1.dcm'), fixture('chrJapMulti.dcm')], { timeout: 60000 });
    const [sq, sq1, multi] = JSON.parse(stdout) as { personNames: { path: string; value: string }[] }[];
    // chrSQEncoding: UTF-8 dataset, the item declares ISO 2022 IR 13\ISO 2022 IR 87 of its own.
    expect(sq!.personNames).toEqual([
      { path: '(0032,1032)', value: 'Doctor^Who^^MD' },
      { path: '(0032,1064)[1].(0010,0010)', value: 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう' },
    ]);
    // chrSQEncoding1: the item inherits the dataset's Japanese set.
    expect(sq1!.personNames).toContainEqual({ path: '(0032,1064)[1].(0010,0010)', value: 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう' });
    expect(multi!.personNames.map((p) => p.value)).toContain('やまだ^たろう');
  });

  it('keeps every field for files without a name, and for files it cannot read', async () => {
    const ok = await inspectFile(fixture('chrSQEncoding.dcm')); // its only name is inside a sequence item
    expect(ok).toMatchObject({ ok: true, patientName: '', patientNameGroups: { alphabetic: null, ideographic: null, phonetic: null } });
    const x1 = await inspectFile(fixture('chrX1.dcm'));
    expect(x1).toMatchObject({ patientName: 'Wang^XiaoDong=王^小東', patientNameGroups: { alphabetic: 'Wang^XiaoDong', ideographic: '王^小東', phonetic: null } });
    const missing = await inspectFile(fixture('no-such-file.dcm'));
    expect(missing).toMatchObject({ ok: false, error: 'No such file', patientName: null, patientNameGroups: null });
    expect(Object.keys(missing).sort()).toEqual(Object.keys(ok).sort());
  });
});
