/**
 * Rendered/thumbnail images (WADO-RS "rendered", PS3.18 §9.5) for locally stored native grayscale
 * instances: rescale, window from the header (min/max when absent), optional downscale, PNG.
 * Compressed or colour local instances are refused with a reason; thumbnails are a convenience, and
 * decoding every codec in the main process is work the renderer's codecs already do.
 */
import { deflateSync, crc32 } from 'node:zlib';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { getNumber, getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';

export class RenderError extends Error {}

export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function renderGrayscale(metadata: DicomJsonDataset, frame: Uint8Array, maxSize?: number): GrayImage {
  const rows = getNumber(metadata, Tag.Rows) ?? 0;
  const cols = getNumber(metadata, Tag.Columns) ?? 0;
  const samples = getNumber(metadata, Tag.SamplesPerPixel) ?? 1;
  const bits = getNumber(metadata, Tag.BitsAllocated) ?? 16;
  const signed = (getNumber(metadata, Tag.PixelRepresentation) ?? 0) === 1;
  const photometric = getString(metadata, Tag.PhotometricInterpretation) ?? 'MONOCHROME2';
  if (samples !== 1 || !photometric.startsWith('MONOCHROME')) throw new RenderError(`Rendering ${photometric} locally is not supported`);
  if (bits !== 8 && bits !== 16) throw new RenderError(`Rendering ${bits}-bit pixels locally is not supported`);
  if (frame.byteLength < rows * cols * (bits / 8)) throw new RenderError('Pixel data shorter than the image size');
  const slope = getNumber(metadata, Tag.RescaleSlope) ?? 1;
  const intercept = getNumber(metadata, Tag.RescaleIntercept) ?? 0;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const read = (i: number): number =>
    bits === 8 ? (signed ? view.getInt8(i) : view.getUint8(i)) : signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true);

  const scale = maxSize && Math.max(rows, cols) > maxSize ? maxSize / Math.max(rows, cols) : 1;
  const width = Math.max(1, Math.round(cols * scale));
  const height = Math.max(1, Math.round(rows * scale));
  const sampled = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(rows - 1, Math.floor(y / scale));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(cols - 1, Math.floor(x / scale));
      sampled[y * width + x] = read(sy * cols + sx) * slope + intercept;
    }
  }
  let center = getNumber(metadata, Tag.WindowCenter);
  let widthW = getNumber(metadata, Tag.WindowWidth);
  if (center === undefined || widthW === undefined || widthW <= 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of sampled) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    center = (lo + hi) / 2;
    widthW = Math.max(1, hi - lo);
  }
  const pixels = new Uint8Array(width * height);
  const invert = photometric === 'MONOCHROME1';
  // PS3.3 C.11.2.1.2 linear VOI function.
  for (let i = 0; i < sampled.length; i++) {
    const v = sampled[i]!;
    let out: number;
    if (v <= center - 0.5 - (widthW - 1) / 2) out = 0;
    else if (v > center - 0.5 + (widthW - 1) / 2) out = 255;
    else out = ((v - (center - 0.5)) / (widthW - 1) + 0.5) * 255;
    pixels[i] = invert ? 255 - Math.round(out) : Math.round(out);
  }
  return { width, height, pixels };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.byteLength);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

export function encodeGrayPng(img: GrayImage): Uint8Array<ArrayBuffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const raw = Buffer.alloc((img.width + 1) * img.height);
  for (let y = 0; y < img.height; y++) {
    raw[y * (img.width + 1)] = 0;
    raw.set(img.pixels.subarray(y * img.width, (y + 1) * img.width), y * (img.width + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}
