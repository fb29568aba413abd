/**
 * `dokuei inspect` over one real CT slice in every transfer syntax (../shared/data/ts_ct_cornerstone, from
 * cornerstoneWADOImageLoader's test images), decoded by the viewer's own codecs: every lossless encoding gives
 * the hash of the native original; the lossy ones report how far they are from it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InspectResult } from '../../common/dicom/inspectResult';
import { inspectFiles } from '../../electron/services/dicom/inspect';
import { repoRoot, sharedDataDir } from '../support/data';

const dir = sharedDataDir('ts_ct_cornerstone');
const file = (name: string) => path.join(dir ?? '', name);
const ct = (ts: string, name: string) => file(`CTImage.dcm_${name}_${ts}.dcm`);

const LOSSLESS = [
  file('CTImage.dcm'),
  ct('1.2.840.10008.1.2', 'LittleEndianImplicitTransferSyntax'),
  ct('1.2.840.10008.1.2.1', 'LittleEndianExplicitTransferSyntax'),
  ct('1.2.840.10008.1.2.2', 'BigEndianExplicitTransferSyntax'),
  ct('1.2.840.10008.1.2.1.99', 'DeflatedExplicitVRLittleEndianTransferSyntax'),
  ct('1.2.840.10008.1.2.5', 'RLELosslessTransferSyntax'),
  ct('1.2.840.10008.1.2.4.57', 'JPEGProcess14TransferSyntax'),
  ct('1.2.840.10008.1.2.4.70', 'JPEGProcess14SV1TransferSyntax'),
  ct('1.2.840.10008.1.2.4.80', 'JPEGLSLosslessTransferSyntax'),
  ct('1.2.840.10008.1.2.4.90', 'JPEG2000LosslessOnlyTransferSyntax'),
];
// Each is really lossy here (Lossy Image Compression 01, and its pixels differ), with a bound on the largest
// difference in HU measured with these codecs: a regression in a codec or in the comparison shows up here.
const LOSSY: [string, number][] = [
  [ct('1.2.840.10008.1.2.4.50', 'JPEGProcess1TransferSyntax'), 100], // 8-bit baseline of a 16-bit CT (slope 32)
  [ct('1.2.840.10008.1.2.4.51', 'JPEGProcess2_4TransferSyntax'), 100],
  [ct('1.2.840.10008.1.2.4.53', 'JPEGProcess6_8TransferSyntax'), 100],
  [ct('1.2.840.10008.1.2.4.55', 'JPEGProcess10_12TransferSyntax'), 400],
  [ct('1.2.840.10008.1.2.4.81', 'JPEGLSLossyTransferSyntax'), 2], // near-lossless
  [ct('1.2.840.10008.1.2.4.91', 'JPEG2000TransferSyntax'), 10],
];

describe.skipIf(!dir)('inspect: CTImage.dcm in every transfer syntax (../shared/data/ts_ct_cornerstone)', () => {
  it('every lossless syntax gives the same frame hash; every lossy one its difference from the lossless original', async () => {
    const results = await inspectFiles([...LOSSY.map(([f]) => f), ...LOSSLESS]);
    for (const r of results) expect(InspectResult.parse(r)).toEqual(r);
    const byFile = new Map(results.map((r) => [r.file, r]));
    const original = byFile.get(LOSSLESS[0]!)!;
    expect(original).toMatchObject({ ok: true, rows: 512, columns: 512, numberOfFrames: 1, bitsAllocated: 16, pixelRepresentation: 1, lossless: true, framesError: null });
    expect(original.frames).toHaveLength(1);
    expect(original.frames![0]).toMatchObject({ min: -2000, max: 2402 });
    for (const f of LOSSLESS) {
      const r = byFile.get(f)!;
      expect(r.framesError, f).toBeNull();
      expect(r.lossless, f).toBe(true);
      expect(r.frames, f).toEqual(original.frames);
      expect(r.maxDifferenceFromLossless, f).toBeNull();
    }
    for (const [f, bound] of LOSSY) {
      const r = byFile.get(f)!;
      expect(r.framesError, f).toBeNull();
      expect(r.lossless, f).toBe(false);
      expect(r.frames![0]!.sha256, f).not.toBe(original.frames![0]!.sha256);
      // The lossy files carry new SOP Instance UIDs; their Source Image Sequence names the original's.
      expect(LOSSLESS, f).toContain(r.losslessReference);
      expect(r.maxDifferenceFromLossless, f).toBeGreaterThan(0);
      expect(r.maxDifferenceFromLossless, f).toBeLessThanOrEqual(bound);
    }
  });

  it('enhanced multi-frame, fragmented, without a Basic Offset Table: 2 frames', async () => {
    const [r] = await inspectFiles([file('CT0012.fragmented_no_bot_jpeg_baseline.51.dcm')]);
    expect(r).toMatchObject({ ok: true, numberOfFrames: 2, framesError: null, lossless: false });
    expect(r!.frames).toHaveLength(2);
    expect(r!.frames![0]!.sha256).not.toBe(r!.frames![1]!.sha256);
  });

  it('the NEMA J2K lossless samples decode', async () => {
    const results = await inspectFiles([file('CT1_J2KR'), file('CT2_J2KR')]);
    for (const r of results) expect(r).toMatchObject({ ok: true, lossless: true, framesError: null, frames: [expect.objectContaining({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })] });
  });

  it('the CLI: --json on stdout only (no codec chatter), undecodable files say why, exit code as before', async () => {
    const args = [path.join(repoRoot, 'bin', 'dokuei.mjs'), 'inspect', '--json', ct('1.2.840.10008.1.2.4.90', 'JPEG2000LosslessOnlyTransferSyntax'), file('no-pixel-data.dcm'), ct('1.2.840.10008.1.2.4.91', 'JPEG2000TransferSyntax')];
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 60000 });
    const results = JSON.parse(stdout) as InspectResult[];
    expect(results.map((r) => r.ok)).toEqual([true, true, true]); // exit code 0: every file was read
    expect(results[0]!.frames![0]).toMatchObject({ min: -2000, max: 2402 });
    expect(results[1]).toMatchObject({ modality: 'SR', frames: null, lossless: null });
    expect(results[1]!.framesError).toMatch(/no pixel data/i);
    expect(results[2]).toMatchObject({ losslessReference: results[0]!.file });
    expect(results[2]!.maxDifferenceFromLossless).toBeGreaterThan(0);
  });
});
