/**
 * Completeness of an instance's pixel data: what the archive refuses at every put. Real files (the committed
 * demo CT slice, its transfer syntax variants, pydicom's MR_truncated.dcm when ../shared is there) and
 * generated ones (test/support/incompleteInstances.ts) cut short in each way a transfer can.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompleteness, contentHash } from '../../../../../electron/services/dicom/completeness';
import { readPart10Header } from '../../../../../electron/services/dicom/part10';
import { demoCtDir, dicomFilesIn, repoRoot, sharedDataDir } from '../../../../support/data';
import { cutShort, encapsulatedMr, mrTruncatedLike, nativeMr } from '../../../../support/incompleteInstances';

const check = (bytes: Uint8Array) => checkCompleteness(bytes, readPart10Header(bytes).dataset);
const ts = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/ts', name));
const ct = () => readFileSync(dicomFilesIn(demoCtDir())[0]!);
const badDir = sharedDataDir('pydicom_testfiles_bad_rt');

/** Sets the 32-bit value at `at` (little endian) in a copy. */
function withU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at, value, true);
  return out;
}

/** The items of the encapsulated pixel data (Basic Offset Table first), up to the sequence delimiter. */
function itemsOf(bytes: Uint8Array): { at: number; length: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = Buffer.from(bytes).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00])) + 12;
  const items: { at: number; length: number }[] = [];
  while (view.getUint16(at + 2, true) === 0xe000) {
    const length = view.getUint32(at + 4, true);
    items.push({ at, length });
    at += 8 + length;
  }
  return items;
}

describe('checkCompleteness', () => {
  it('accepts intact files in every committed transfer syntax', () => {
    expect(check(ct())).toEqual({ complete: true });
    for (const name of [
      'CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm',
      'CTImage.dcm_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm',
      'CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm',
      'CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm',
      'CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm',
      'CT0012.fragmented_no_bot_jpeg_baseline.51.dcm',
    ]) {
      expect(check(ts(name)), name).toEqual({ complete: true });
    }
    expect(check(nativeMr({ frames: 3 }))).toEqual({ complete: true });
    expect(check(encapsulatedMr({ frames: 3 }))).toEqual({ complete: true });
  });

  it('refuses a CT cut 1000 bytes short, saying how much of the pixel data is there', () => {
    const full = ct();
    const c = check(cutShort(full, 1000));
    expect(c.complete).toBe(false);
    if (c.complete) return;
    expect(c.reason).toMatch(/truncated: the pixel data announces 524,288 bytes but only 523,288 bytes follow/);
  });

  it('refuses native pixel data shorter than rows × columns × frames × bits, and a file cut in the pixel data header', () => {
    const mr = nativeMr({ frames: 2 });
    // The element says 8192 bytes (one frame) where two frames need 16,384: the length itself is short.
    const at = Buffer.from(mr).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const short = withU32(mr, at + 8, 8192).subarray(0, at + 12 + 8192);
    const c = check(short);
    expect(c).toEqual({ complete: false, reason: 'the pixel data holds 8,192 bytes of the 16,384 bytes that 64 rows × 64 columns × 2 frames × 16 bits need' });
    expect(check(mr.subarray(0, at + 6))).toMatchObject({ complete: false, reason: expect.stringMatching(/pixel data header/) });
  });

  it('refuses encapsulated pixel data with a fragment cut, without its delimiter, or with a frame missing', () => {
    const rle = encapsulatedMr({ frames: 3 });
    expect(check(cutShort(rle, 8))).toMatchObject({ complete: false, reason: expect.stringMatching(/without its end marker/) });
    expect(check(cutShort(rle, 100))).toMatchObject({ complete: false, reason: expect.stringMatching(/fragment 3 of the compressed pixel data announces [0-9,]+ bytes but only/) });
    // Two of the three fragments, delimiter intact: a frame is missing.
    const items = itemsOf(rle);
    const third = items[3]!; // items[0] is the (empty) Basic Offset Table
    const twoFragments = new Uint8Array([...rle.subarray(0, third.at), ...rle.subarray(third.at + 8 + third.length)]);
    expect(check(twoFragments)).toEqual({ complete: false, reason: 'the compressed pixel data has 2 fragments for 3 frames' });
    // A Basic Offset Table naming three frames, one offset pointing at no fragment: frame 3 is missing.
    const fragments = items.slice(1);
    const offsets = [0, 8 + fragments[0]!.length, 8 + fragments[0]!.length + 8 + fragments[1]!.length + 2];
    const bot = new Uint8Array(12);
    offsets.forEach((o, i) => new DataView(bot.buffer).setUint32(i * 4, o, true));
    const botItem = withU32(rle.subarray(items[0]!.at, items[0]!.at + 8), 4, 12);
    const withBot = new Uint8Array([...rle.subarray(0, items[0]!.at), ...botItem, ...bot, ...rle.subarray(items[0]!.at + 8)]);
    expect(check(withBot)).toEqual({ complete: false, reason: 'frame 3 of the compressed pixel data is missing (its offset points at no fragment)' });
  });

  it('refuses a deflated dataset cut short and a big endian file cut short', () => {
    const deflated = ts('CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm');
    expect(check(cutShort(deflated, 1000)).complete).toBe(false);
    const big = ts('CTImage.dcm_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm');
    expect(check(cutShort(big, 2))).toMatchObject({ complete: false, reason: expect.stringMatching(/truncated/) });
  });

  it('refuses a file like MR_truncated.dcm (generated here), and the real one from ../shared when present', () => {
    expect(check(mrTruncatedLike())).toMatchObject({ complete: false, reason: expect.stringMatching(/truncated/) });
    if (!badDir) return; // the generated file above stands in for it
    const real = readFileSync(path.join(badDir, 'MR_truncated.dcm'));
    expect(check(real)).toMatchObject({ complete: false, reason: expect.stringMatching(/truncated|holds/) });
    expect(check(readFileSync(path.join(badDir, 'MR_small.dcm')))).toEqual({ complete: true });
  });

  it('hashes the content, not the file meta group that says who wrote the file', () => {
    const a = ct();
    const b = Buffer.from(a);
    // A different Implementation Version Name or Source AE is the same instance; one pixel byte is not.
    const metaByte = 140;
    b[metaByte] = b[metaByte]! ^ 0xff;
    expect(contentHash(b)).toBe(contentHash(a));
    const c = Buffer.from(a);
    c[c.length - 10] = c[c.length - 10]! ^ 0xff;
    expect(contentHash(c)).not.toBe(contentHash(a));
  });
});
