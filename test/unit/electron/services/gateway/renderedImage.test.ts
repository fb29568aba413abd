/**
 * The gateway's rendered/thumbnail images of local instances, with files written here (no ../shared needed):
 * a CT slice stored native and RLE (our own encoder) renders the same, equal to the linear VOI computed here;
 * MONOCHROME1 inverts; PALETTE COLOR goes through its tables (16- and 8-bit entries, first mapped value);
 * Accept picks PNG or JPEG (the JPEG decodes with the viewer's libjpeg-turbo codec); a frame that cannot be
 * decoded answers 422 "undecodable: <reason>"; an enhanced multi-frame object renders each frame with its own
 * rescale and window.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedArchive } from '../../../../../electron/services/archive/encryptedArchive';
import { decodeFrame } from '../../../../../electron/services/dicom/pixelDecode/codecs';
import { createGateway, type Gateway } from '../../../../../electron/services/gateway/gateway';
import { renderInstance } from '../../../../../electron/services/gateway/renderedImage';
import { importPaths } from '../../../../../electron/services/store/importPaths';
import { writeDcmjs } from '../../../../support/dcmjsWrite';
import { decodePng, type DecodedPng } from '../../../../support/png';
import { makeTempDir, removeDir } from '../../../../support/tempDir';
import { openTestArchive } from '../../../../support/testArchive';
import { rleFrame } from '../../../../support/part10Writer';

const BASE = 'http://127.0.0.1:9/dicomweb';
const STUDY = '1.2.826.0.1.3680043.9.7777.10';
const SERIES = '1.2.826.0.1.3680043.9.7777.11';
const ROWS = 24;
const COLS = 32;
const RLE = '1.2.840.10008.1.2.5';

/** A CT slice: stored = HU + 1024, a ramp from -600 to +700 HU with a few odd values. */
function ctSamples(): Int16Array {
  const a = new Int16Array(ROWS * COLS);
  for (let i = 0; i < a.length; i++) a[i] = Math.round(-600 + (1300 * i) / (a.length - 1)) + 1024;
  a[5] = 3000; // bone-bright
  return a;
}

function ds(sop: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
    SOPInstanceUID: sop,
    StudyInstanceUID: STUDY,
    SeriesInstanceUID: SERIES,
    Modality: 'OT',
    PatientName: 'Render^Test',
    PatientID: 'RENDER-1',
    Rows: ROWS,
    Columns: COLS,
    SamplesPerPixel: 1,
    ...extra,
  };
}

function ctDataset(sop: string, photometric: string, pixels: unknown): Record<string, unknown> {
  return ds(sop, {
    BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1, PhotometricInterpretation: photometric,
    RescaleSlope: 1, RescaleIntercept: -1024, WindowCenter: 40, WindowWidth: 400, PixelData: pixels, _vrMap: { PixelData: 'OW' },
  });
}

/** PS3.3 C.11.2.1.2.1 linear VOI, written out here. */
function voi(hu: number, center: number, width: number): number {
  if (hu <= center - 0.5 - (width - 1) / 2) return 0;
  if (hu > center - 0.5 + (width - 1) / 2) return 255;
  return Math.round(((hu - (center - 0.5)) / (width - 1) + 0.5) * 255);
}

/** 8-bit indices 0..255 in a ramp, so every table entry is used. */
function indices(): Uint8Array {
  return Uint8Array.from({ length: ROWS * COLS }, (_, i) => i % 256);
}
const RED16 = Uint16Array.from({ length: 256 }, (_, i) => i * 257); // 0..65535
const GREEN16 = Uint16Array.from({ length: 256 }, (_, i) => (255 - i) * 257);
const BLUE16 = Uint16Array.from({ length: 256 }, () => 0x8000);

const PALETTE_VRS = {
  PixelData: 'OB',
  RedPaletteColorLookupTableDescriptor: 'US', GreenPaletteColorLookupTableDescriptor: 'US', BluePaletteColorLookupTableDescriptor: 'US',
  RedPaletteColorLookupTableData: 'OW', GreenPaletteColorLookupTableData: 'OW', BluePaletteColorLookupTableData: 'OW',
};

const uid = (n: number) => `1.2.826.0.1.3680043.9.7777.20.${n}`;
let dir: string;
let store: EncryptedArchive | undefined;
let gateway: Gateway;
const samples = ctSamples();

beforeAll(async () => {
  dir = await makeTempDir('dokuei-rendered-');
  const files: [string, Uint8Array][] = [
    ['native.dcm', writeDcmjs(ctDataset(uid(1), 'MONOCHROME2', samples.slice().buffer))],
    ['rle.dcm', writeDcmjs(ctDataset(uid(2), 'MONOCHROME2', [rleFrame(samples).slice().buffer]), RLE)],
    ['mono1.dcm', writeDcmjs(ctDataset(uid(3), 'MONOCHROME1', samples.slice().buffer))],
    ['palette16.dcm', writeDcmjs(ds(uid(4), {
      BitsAllocated: 8, BitsStored: 8, HighBit: 7, PixelRepresentation: 0, PhotometricInterpretation: 'PALETTE COLOR',
      RedPaletteColorLookupTableDescriptor: [256, 0, 16], GreenPaletteColorLookupTableDescriptor: [256, 0, 16], BluePaletteColorLookupTableDescriptor: [256, 0, 16],
      RedPaletteColorLookupTableData: RED16.buffer, GreenPaletteColorLookupTableData: GREEN16.buffer, BluePaletteColorLookupTableData: BLUE16.buffer,
      PixelData: indices().buffer, _vrMap: PALETTE_VRS,
    }))],
    // 8-bit entries packed two per word, 64 entries, first mapped value 10: index 10 → entry 0.
    ['palette8.dcm', writeDcmjs(ds(uid(5), {
      BitsAllocated: 8, BitsStored: 8, HighBit: 7, PixelRepresentation: 0, PhotometricInterpretation: 'PALETTE COLOR',
      RedPaletteColorLookupTableDescriptor: [64, 10, 8], GreenPaletteColorLookupTableDescriptor: [64, 10, 8], BluePaletteColorLookupTableDescriptor: [64, 10, 8],
      RedPaletteColorLookupTableData: Uint8Array.from({ length: 64 }, (_, i) => i * 4).buffer,
      GreenPaletteColorLookupTableData: Uint8Array.from({ length: 64 }, () => 200).buffer,
      BluePaletteColorLookupTableData: Uint8Array.from({ length: 64 }, (_, i) => 252 - i * 4).buffer,
      PixelData: indices().buffer, _vrMap: PALETTE_VRS,
    }))],
  ];
  // RLE bytes announced as MPEG-2, which nothing here decodes.
  const mpeg = writeDcmjs(ctDataset(uid(6), 'MONOCHROME2', [rleFrame(samples).slice().buffer]), '1.2.840.10008.1.2.4.100');
  files.push(['mpeg.dcm', mpeg]);
  const paths: string[] = [];
  for (const [name, bytes] of files) {
    const p = path.join(dir, name);
    await fs.writeFile(p, bytes);
    paths.push(p);
  }
  store = await openTestArchive(path.join(dir, 'store'));
  expect(await importPaths(store, paths)).toMatchObject({ imported: files.length, failed: [] });
  gateway = createGateway({ store, upstreams: [], basePath: '/dicomweb' });
});
afterAll(async () => {
  await store?.close();
  await removeDir(dir);
});

const get = (n: number, accept = 'image/png', kind = 'rendered') =>
  gateway(new Request(`${BASE}/studies/${STUDY}/series/${SERIES}/instances/${uid(n)}/${kind}`, { headers: { Accept: accept } }));

async function png(n: number): Promise<DecodedPng> {
  const res = await get(n);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  return decodePng(new Uint8Array(await res.arrayBuffer()));
}

describe('rendered images of local instances (files written here)', () => {
  it('a CT slice renders with its header window, pixel-identical whether stored native or RLE', async () => {
    const native = await png(1);
    const rle = await png(2);
    expect(native).toMatchObject({ width: COLS, height: ROWS, channels: 1 });
    const expected = Uint8Array.from(samples, (s) => voi(s - 1024, 40, 400));
    expect(Buffer.from(native.pixels).equals(Buffer.from(expected))).toBe(true);
    expect(Buffer.from(rle.pixels).equals(Buffer.from(expected))).toBe(true);
    expect(new Set(expected).size).toBeGreaterThan(50); // the ramp crosses the window: a real test
  });

  it('MONOCHROME1 is inverted', async () => {
    const mono1 = await png(3);
    expect(Array.from(mono1.pixels)).toEqual(Array.from(samples, (s) => 255 - voi(s - 1024, 40, 400)));
  });

  it('PALETTE COLOR: 16-bit tables (top byte) and 8-bit tables packed two per word with a first mapped value', async () => {
    const p16 = await png(4);
    expect(p16).toMatchObject({ width: COLS, height: ROWS, channels: 3 });
    const idx = indices();
    for (let i = 0; i < idx.length; i++) {
      expect([p16.pixels[i * 3], p16.pixels[i * 3 + 1], p16.pixels[i * 3 + 2]], `pixel ${i}`).toEqual([idx[i], 255 - idx[i]!, 128]);
    }
    const p8 = await png(5);
    for (let i = 0; i < idx.length; i++) {
      const k = Math.min(63, Math.max(0, idx[i]! - 10)); // below the first mapped value: entry 0; above the table: the last
      expect([p8.pixels[i * 3], p8.pixels[i * 3 + 1], p8.pixels[i * 3 + 2]], `pixel ${i}`).toEqual([k * 4, 200, 252 - k * 4]);
    }
  });

  it('Accept: JPEG when asked for (the viewer\'s JPEG decoder reads it back, close to the PNG), 406 for neither', async () => {
    const reference = await png(1);
    const res = await get(2, 'image/jpeg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = new Uint8Array(await res.arrayBuffer());
    const frame = { rows: ROWS, columns: COLS, samplesPerPixel: 1, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, photometricInterpretation: 'MONOCHROME2', planarConfiguration: 0 };
    // jpeg-js writes every JPEG as YCbCr: a grey image comes back with three equal channels.
    const decoded = await decodeFrame({ ...frame, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' }, '1.2.840.10008.1.2.4.50', jpeg);
    expect(decoded.length).toBe(ROWS * COLS * 3);
    let sum = 0;
    let chroma = 0;
    for (let i = 0; i < ROWS * COLS; i++) {
      sum += Math.abs(decoded[i * 3 + 1]! - reference.pixels[i]!);
      chroma = Math.max(chroma, Math.abs(decoded[i * 3]! - decoded[i * 3 + 1]!), Math.abs(decoded[i * 3 + 2]! - decoded[i * 3 + 1]!));
    }
    expect(sum / (ROWS * COLS)).toBeLessThan(3);
    expect(chroma).toBeLessThanOrEqual(2);

    const colour = await get(4, 'image/jpeg;q=0.9, image/png;q=0.5');
    expect(colour.headers.get('content-type')).toBe('image/jpeg');
    const rgb = await decodeFrame({ ...frame, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' }, '1.2.840.10008.1.2.4.50', new Uint8Array(await colour.arrayBuffer()));
    expect(rgb.length).toBe(ROWS * COLS * 3);
    const i = 200; // index 200: red 200, green 55, blue 128
    expect(Math.abs(rgb[i * 3]! - 200) + Math.abs(rgb[i * 3 + 1]! - 55) + Math.abs(rgb[i * 3 + 2]! - 128)).toBeLessThan(40);

    const refused = await get(1, 'application/dicom');
    expect(refused.status).toBe(406);
    expect(((await refused.json()) as { error: string }).error).toMatch(/image\/png or image\/jpeg/);
    expect((await get(1, '*/*')).headers.get('content-type')).toBe('image/png');
  });

  it('a frame that cannot be decoded: 422 saying why; the thumbnail too', async () => {
    for (const kind of ['rendered', 'thumbnail']) {
      const res = await get(6, 'image/png', kind);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: string }).error).toMatch(/^undecodable: .*no decoder for transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100/i);
    }
  });

  it('an enhanced multi-frame object: each frame with its own rescale and window from the functional groups', async () => {
    // Two frames with the same stored values; frame 1 slope 1, frame 2 slope 2 (per-frame); window shared.
    const stored = Int16Array.from({ length: ROWS * COLS }, (_, i) => (i * 7) % 500);
    const both = new Int16Array(stored.length * 2);
    both.set(stored, 0);
    both.set(stored, stored.length);
    const group = (slope: number) => ({ PixelValueTransformationSequence: [{ RescaleSlope: slope, RescaleIntercept: -100, RescaleType: 'US' }] });
    const bytes = writeDcmjs(ds(uid(7), {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2.1', NumberOfFrames: 2,
      BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1, PhotometricInterpretation: 'MONOCHROME2',
      SharedFunctionalGroupsSequence: [{ FrameVOILUTSequence: [{ WindowCenter: 200, WindowWidth: 600 }] }],
      PerFrameFunctionalGroupsSequence: [group(1), group(2)],
      PixelData: both.buffer, _vrMap: { PixelData: 'OW' },
    }));
    const f1 = await renderInstance(bytes, { frame: 1 });
    const f2 = await renderInstance(bytes, { frame: 2 });
    expect(Array.from(f1.pixels)).toEqual(Array.from(stored, (s) => voi(s - 100, 200, 600)));
    expect(Array.from(f2.pixels)).toEqual(Array.from(stored, (s) => voi(s * 2 - 100, 200, 600)));
  });
});
