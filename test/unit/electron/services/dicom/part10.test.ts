import { readFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { extractFrames, Part10Error, readPart10Header } from '../../../../../electron/services/dicom/part10';
import { Tag } from '../../../../../common/dicom/tags';
import { getNumber, getString } from '../../../../../common/dicom/dicomJson';
import { demoCtDir, dicomFilesIn, repoRoot, sharedDataDir } from '../../../../support/data';
import { TS, writePart10 } from '../../../../support/part10Writer';

const ts = (name: string) => new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/ts', name)));
const EXPLICIT_LE = 'CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm';

function nativePixels(bytes: Uint8Array): Uint8Array {
  const ds = dicomParser.parseDicom(bytes);
  const el = ds.elements['x7fe00010']!;
  return bytes.subarray(el.dataOffset, el.dataOffset + el.length);
}

describe('Part 10 reading', () => {
  it('reads the dataset as DICOM JSON without pixel data', () => {
    const file = dicomFilesIn(demoCtDir())[0]!;
    const { transferSyntaxUid, dataset } = readPart10Header(new Uint8Array(readFileSync(file)));
    expect(transferSyntaxUid).toBe('1.2.840.10008.1.2');
    expect(getString(dataset, Tag.PatientID)).toBe('LIDC-IDRI-0314');
    expect(getNumber(dataset, Tag.Rows)).toBe(512);
    expect(dataset[Tag.PixelData]).toBeUndefined();
    expect(JSON.stringify(dataset)).not.toContain('_rawValue');
  });

  it('refuses files that are not DICOM with a reason', () => {
    expect(() => readPart10Header(new TextEncoder().encode('hello'))).toThrow(Part10Error);
    expect(() => readPart10Header(new Uint8Array(200))).toThrow(/DICM/);
  });

  it('returns native frames as little-endian bytes whatever the stored byte order', () => {
    const reference = nativePixels(ts(EXPLICIT_LE));
    const le = extractFrames(ts(EXPLICIT_LE), [1]);
    expect(le.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(Buffer.from(le.frames[0]!).equals(Buffer.from(reference))).toBe(true);

    const be = extractFrames(ts('CTImage.dcm_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm'), [1]);
    expect(be.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(Buffer.from(be.frames[0]!).equals(Buffer.from(reference))).toBe(true);

    const deflated = extractFrames(ts('CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm'), [1]);
    expect(Buffer.from(deflated.frames[0]!).equals(Buffer.from(reference))).toBe(true);
  });

  it('returns encapsulated frames in their stored syntax, one per frame even without an offset table', () => {
    const rle = extractFrames(ts('CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm'), [1]);
    expect(rle.transferSyntaxUid).toBe('1.2.840.10008.1.2.5');
    // An RLE frame starts with its 64-byte header: segment count 1 or 2 for 16-bit grey.
    expect(new DataView(rle.frames[0]!.buffer, rle.frames[0]!.byteOffset).getUint32(0, true)).toBeGreaterThan(0);

    const jls = extractFrames(ts('CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm'), [1]);
    expect([...jls.frames[0]!.subarray(0, 2)]).toEqual([0xff, 0xd8]); // JPEG SOI

    const multi = extractFrames(ts('CT0012.fragmented_no_bot_jpeg_baseline.51.dcm'), [1, 2]);
    expect(multi.frames).toHaveLength(2);
    for (const f of multi.frames) {
      expect([...f.subarray(0, 2)]).toEqual([0xff, 0xd8]);
      expect([...f.subarray(f.length - 2)]).toEqual([0xff, 0xd9]); // each frame is one whole JPEG
    }
    expect(Buffer.from(multi.frames[0]!).equals(Buffer.from(multi.frames[1]!))).toBe(false);
  });

  it('refuses frames that do not exist and truncated pixel data', () => {
    expect(() => extractFrames(ts(EXPLICIT_LE), [2])).toThrow(/Frame 2 does not exist/);
    const bytes = ts(EXPLICIT_LE);
    expect(() => extractFrames(bytes.subarray(0, bytes.length - 1000), [1])).toThrow(Part10Error);
  });

  it('sizes native YBR_FULL_422 frames as 2 samples per pixel (one Cb and one Cr per two pixels), not 3', () => {
    // 2 frames of 2×4 pixels, 8 bits: 16 stored bytes each (Y Y Cb Cr per pixel pair).
    const frame1 = Uint8Array.from({ length: 16 }, (_, i) => i);
    const frame2 = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);
    const bytes = writePart10({ sopInstanceUid: '1.2.3.422', rows: 2, columns: 4, bitsAllocated: 8, signed: false, frames: [frame1, frame2] }, TS.explicit);
    // Turn the grey header into YBR_FULL_422, in place (same lengths): Samples per Pixel 3, Photometric Interpretation.
    const buf = Buffer.from(bytes);
    const spp = buf.indexOf(Buffer.from([0x28, 0x00, 0x02, 0x00, 0x55, 0x53, 0x02, 0x00]));
    expect(spp).toBeGreaterThan(0);
    buf.writeUInt16LE(3, spp + 8);
    const pi = buf.indexOf(Buffer.from('MONOCHROME2 '));
    expect(pi).toBeGreaterThan(0);
    buf.write('YBR_FULL_422', pi, 'latin1');
    const { frames } = extractFrames(new Uint8Array(buf), [1, 2]);
    expect([...frames[0]!]).toEqual([...frame1]);
    expect([...frames[1]!]).toEqual([...frame2]);
  });

  const sharedTs = sharedDataDir('ts_ct_cornerstone');
  it.skipIf(!sharedTs)('reads the real YBR_FULL_422 ultrasound frame whole (555×800×2 bytes)', () => {
    const bytes = new Uint8Array(readFileSync(path.join(sharedTs!, 'US-YBR_FULL_422-EVRLE.dcm')));
    const { transferSyntaxUid, frames } = extractFrames(bytes, [1]);
    expect(transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(frames[0]!.byteLength).toBe(555 * 800 * 2);
  });
});
