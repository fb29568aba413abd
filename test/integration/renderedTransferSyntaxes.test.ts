/**
 * Rendered images (WADO-RS /rendered, /thumbnail) of local instances in every transfer syntax, through the real
 * gateway over an archive-like store: one CT slice in 17 encodings (../shared/data/ts_ct_cornerstone) must render
 * the same picture (pixel-identical for the lossless ones, a few grey levels for the lossy ones), and a PALETTE
 * COLOR ultrasound (pydicom's examples_palette.dcm) must come out in colour, matching its lookup tables.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { renderInstance, renderedResponse } from '../../electron/services/gateway/renderedImage';
import { sharedDataDir } from '../support/data';
import { decodePng, type DecodedPng } from '../support/png';

const ctDir = sharedDataDir('ts_ct_cornerstone');
const pydicomDir = sharedDataDir('pydicom_testfiles_bad_rt');
const ct = (ts: string, name: string) => path.join(ctDir ?? '', `CTImage.dcm_${name}_${ts}.dcm`);

const LOSSLESS = [
  ct('1.2.840.10008.1.2', 'LittleEndianImplicitTransferSyntax'),
  ct('1.2.840.10008.1.2.2', 'BigEndianExplicitTransferSyntax'),
  ct('1.2.840.10008.1.2.1.99', 'DeflatedExplicitVRLittleEndianTransferSyntax'),
  ct('1.2.840.10008.1.2.5', 'RLELosslessTransferSyntax'),
  ct('1.2.840.10008.1.2.4.57', 'JPEGProcess14TransferSyntax'),
  ct('1.2.840.10008.1.2.4.70', 'JPEGProcess14SV1TransferSyntax'),
  ct('1.2.840.10008.1.2.4.80', 'JPEGLSLosslessTransferSyntax'),
  ct('1.2.840.10008.1.2.4.90', 'JPEG2000LosslessOnlyTransferSyntax'),
];
// Largest mean difference (grey levels, 400 HU window) from the original's rendering. Measured with these codecs:
// the 8-bit baseline stores 32 HU steps (≈ 4.7); the 12-bit JPEGs decode ≈ 29 HU off on average (≈ 7.6, the same
// values `dokuei inspect` reports for them); JPEG-LS near-lossless and JPEG 2000 ≈ 0.2. A wrong window, inversion
// or colour path is off by tens of grey levels.
const LOSSY: [string, number][] = [
  [ct('1.2.840.10008.1.2.4.50', 'JPEGProcess1TransferSyntax'), 6],
  [ct('1.2.840.10008.1.2.4.51', 'JPEGProcess2_4TransferSyntax'), 9],
  [ct('1.2.840.10008.1.2.4.53', 'JPEGProcess6_8TransferSyntax'), 9],
  [ct('1.2.840.10008.1.2.4.55', 'JPEGProcess10_12TransferSyntax'), 9],
  [ct('1.2.840.10008.1.2.4.81', 'JPEGLSLossyTransferSyntax'), 1],
  [ct('1.2.840.10008.1.2.4.91', 'JPEG2000TransferSyntax'), 1],
];

async function renderPng(file: string, accept = 'image/png', maxSize?: number): Promise<DecodedPng> {
  const res = await renderedResponse(new Uint8Array(readFileSync(file)), accept, { maxSize });
  expect(res.headers.get('content-type'), file).toBe('image/png');
  return decodePng(new Uint8Array(await res.arrayBuffer()));
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe.skipIf(!ctDir)('rendered: CTImage.dcm in every transfer syntax (../shared/data/ts_ct_cornerstone)', () => {
  it('every lossless syntax renders pixel-identical to the explicit little endian original; lossy ones within a few grey levels', async () => {
    const reference = await renderPng(ct('1.2.840.10008.1.2.1', 'LittleEndianExplicitTransferSyntax'));
    expect(reference).toMatchObject({ width: 512, height: 512, channels: 1 });
    // A CT slice with its header window: body and air, not a flat or saturated square.
    const levels = new Set(reference.pixels);
    expect(levels.size).toBeGreaterThan(100);
    for (const file of LOSSLESS) {
      const png = await renderPng(file);
      expect({ w: png.width, h: png.height, c: png.channels }, file).toEqual({ w: 512, h: 512, c: 1 });
      expect(Buffer.from(png.pixels).equals(Buffer.from(reference.pixels)), file).toBe(true);
    }
    for (const [file, bound] of LOSSY) {
      const png = await renderPng(file);
      expect(png.pixels.length, file).toBe(reference.pixels.length);
      expect(meanAbsDiff(png.pixels, reference.pixels), file).toBeLessThan(bound);
      expect(Buffer.from(png.pixels).equals(Buffer.from(reference.pixels)), `${file} is really lossy`).toBe(false);
    }
  });

  it('a thumbnail is the same picture, downscaled; JPEG when asked for', async () => {
    const original = await renderInstance(new Uint8Array(readFileSync(ct('1.2.840.10008.1.2.1', 'LittleEndianExplicitTransferSyntax'))));
    const thumb = await renderPng(ct('1.2.840.10008.1.2.4.90', 'JPEG2000LosslessOnlyTransferSyntax'), 'image/png', 128);
    expect([thumb.width, thumb.height]).toEqual([128, 128]);
    // Nearest sample: thumbnail pixel (x, y) is original pixel (4x, 4y).
    for (const [x, y] of [[64, 64], [10, 100], [100, 30]] as const) expect(thumb.pixels[y * 128 + x]).toBe(original.pixels[y * 4 * 512 + x * 4]);
    const jpeg = await renderedResponse(new Uint8Array(readFileSync(ct('1.2.840.10008.1.2.5', 'RLELosslessTransferSyntax'))), 'image/jpeg', { maxSize: 128 });
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    const body = new Uint8Array(await jpeg.arrayBuffer());
    expect([body[0], body[1], body[body.length - 2], body[body.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
  });

  it('YBR_FULL_422 ultrasound (native) renders as RGB colour', async () => {
    const png = await renderPng(path.join(ctDir!, 'US-YBR_FULL_422-EVRLE.dcm'));
    expect(png.channels).toBe(3);
    let coloured = 0;
    for (let i = 0; i < png.width * png.height; i++) {
      const [r, g, b] = [png.pixels[i * 3]!, png.pixels[i * 3 + 1]!, png.pixels[i * 3 + 2]!];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
    }
    expect(coloured).toBeGreaterThan(100); // the Doppler overlay, not grey only
  });
});

describe.skipIf(!pydicomDir)('rendered: PALETTE COLOR (pydicom examples_palette.dcm)', () => {
  it('each pixel is its stored index looked up in the red/green/blue tables (16-bit entries, top byte)', async () => {
    const file = path.join(pydicomDir!, 'examples_palette.dcm');
    const bytes = new Uint8Array(readFileSync(file));
    const png = await renderPng(file);
    // Reference straight from the file with dicom-parser: 8-bit indices and 256-entry 16-bit tables.
    const ds = dicomParser.parseDicom(bytes);
    const rows = ds.uint16('x00280010')!;
    const cols = ds.uint16('x00280011')!;
    expect(png).toMatchObject({ width: cols, height: rows, channels: 3 });
    const pixelEl = ds.elements['x7fe00010']!;
    const lut = (tag: string) => Array.from({ length: 256 }, (_, i) => ds.uint16(tag, i)! >> 8);
    const [r, g, b] = [lut('x00281201'), lut('x00281202'), lut('x00281203')];
    let mismatches = 0;
    let coloured = 0;
    for (let i = 0; i < rows * cols; i++) {
      const k = bytes[pixelEl.dataOffset + i]!;
      const px = [png.pixels[i * 3]!, png.pixels[i * 3 + 1]!, png.pixels[i * 3 + 2]!];
      if (px[0] !== r[k] || px[1] !== g[k] || px[2] !== b[k]) mismatches++;
      if (Math.max(...px) - Math.min(...px) > 40) coloured++;
    }
    expect(mismatches).toBe(0);
    expect(coloured).toBeGreaterThan(1000);
  });
});

describe.skipIf(!pydicomDir)('rendered: RGB and YBR colour (pydicom SC_rgb_* files, one picture in many encodings)', () => {
  const file = (name: string) => path.join(pydicomDir!, name);
  it('RLE, big endian, JPEG, JPEG-LS and YBR encodings render the same colour picture', async () => {
    const reference = await renderPng(file('SC_rgb_rle.dcm'));
    expect(reference).toMatchObject({ width: 100, height: 100, channels: 3 });
    // Its corners and centre: red, white, and a light blue.
    const at = (png: DecodedPng, x: number, y: number) => Array.from(png.pixels.subarray((y * png.width + x) * 3, (y * png.width + x) * 3 + 3));
    expect(at(reference, 2, 2)).toEqual([255, 0, 0]);
    expect(at(reference, 97, 97)).toEqual([255, 255, 255]);
    // Bound on the mean difference per sample: exact encodings 0, YBR / lossy ones a few levels (measured ≤ 3).
    const same: [string, number][] = [
      ['SC_rgb_rle_2frame.dcm', 0],
      ['SC_rgb_gdcm_KY.dcm', 0],
      ['SC_rgb_dcmtk_+eb+cr.dcm', 0.5],
      ['SC_rgb_dcmtk_+eb+cy+np.dcm', 4],
      ['SC_rgb_dcmtk_+eb+cy+s2.dcm', 1],
      ['SC_rgb_jpeg_dcmtk.dcm', 1],
      ['SC_ybr_full_422_uncompressed.dcm', 1],
      ['SC_rgb_jls_lossy_line.dcm', 1.5],
    ];
    for (const [name, bound] of same) {
      const png = await renderPng(file(name));
      expect(png.channels, name).toBe(3);
      expect(meanAbsDiff(png.pixels, reference.pixels), name).toBeLessThanOrEqual(bound);
    }
  });

  it('8-bit RGB in OW, explicit big endian: bytes swapped back, the same as the little endian file', async () => {
    const le = await renderPng(file('SC_rgb_small_odd.dcm'));
    const be = await renderPng(file('SC_rgb_small_odd_big_endian.dcm'));
    expect(le).toMatchObject({ width: 3, height: 3, channels: 3 });
    expect(Array.from(be.pixels)).toEqual(Array.from(le.pixels));
  });

  it('16-bit colour RLE (the 8-bit picture × 257) renders exactly as the 8-bit RLE file; 32-bit colour RLE: 422 with the reason', async () => {
    const reference = await renderPng(file('SC_rgb_rle.dcm'));
    for (const name of ['SC_rgb_rle_16bit.dcm', 'SC_rgb_rle_16bit_2frame.dcm']) {
      const png = await renderPng(file(name));
      expect(png, name).toMatchObject({ width: 100, height: 100, channels: 3 });
      expect(Array.from(png.pixels), name).toEqual(Array.from(reference.pixels));
    }
    // The loader's RLE decoder has no 32-bit path at all.
    const bytes = new Uint8Array(readFileSync(file('SC_rgb_rle_32bit.dcm')));
    await expect(renderedResponse(bytes, 'image/png')).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/^undecodable: .*RLE/) });
  });
});
