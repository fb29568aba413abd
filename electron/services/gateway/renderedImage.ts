/**
 * Rendered/thumbnail images (WADO-RS "rendered", PS3.18 §9.5) of locally stored instances, in every transfer
 * syntax the viewer decodes: the frame is decoded by the same path as `dokuei inspect`
 * (dicom/pixelDecode: dicom-image-loader's own decoders), then
 *  - grayscale: modality rescale (per frame for enhanced objects), the header's window (Frame VOI LUT, else
 *    Window Center/Width, else the frame's min/max), MONOCHROME1 inverted;
 *  - PALETTE COLOR: each stored value through the red/green/blue lookup tables (8- or 16-bit entries);
 *  - RGB / YBR_FULL / YBR_FULL_422 (and what the JPEG family's codecs return, already RGB) → RGB;
 * optionally downscaled (nearest sample), encoded as PNG or baseline JPEG as the Accept header asks.
 * Failures are RenderError with an HTTP status and a reason ("undecodable: …").
 */
import { deflateSync, crc32 } from 'node:zlib';
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { getNumbers } from '../../../common/dicom/dicomJson';
import { isNativeTransferSyntax, Part10Error, readBinaryElements, readPart10Header } from '../dicom/part10';
import { decodedSamples, frameRescale, frameWindow, pixelModuleOf, type PixelModule } from '../dicom/pixelDecode/frames';
import { message } from '../dicom/pixelDecode/codecs';
import * as jpeg from 'jpeg-js';

export class RenderError extends Error {
  constructor(
    message: string,
    /** The HTTP status to answer: 406 (no acceptable image type), 422 (this image cannot be rendered). */
    readonly status = 422,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

export type ImageType = 'image/png' | 'image/jpeg';

export interface RenderedImage {
  width: number;
  height: number;
  /** 1: grey, 3: RGB interleaved. */
  channels: 1 | 3;
  pixels: Uint8Array;
}

/** The image type to answer for an Accept header (PNG when anything goes), or undefined when neither is acceptable. */
export function chooseImageType(accept: string | null | undefined): ImageType | undefined {
  if (!accept || !accept.trim()) return 'image/png';
  const ranges = accept.split(',').map((part, order) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    return { type, q: Number.isFinite(q) ? q : 0, order };
  });
  ranges.sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { type, q } of ranges) {
    if (q <= 0) continue;
    if (type === 'image/png' || type === 'image/jpeg') return type;
    if (type === 'image/*' || type === '*/*') return 'image/png';
  }
  return undefined;
}

const PaletteDescriptor = ['00281101', '00281102', '00281103'] as const;
const PaletteData = ['00281201', '00281202', '00281203'] as const;
const SegmentedPaletteData = ['00281221', '00281222', '00281223'] as const;
/** Syntaxes whose decoded colour samples are as stored (colour space and planar configuration as the header says). */
const AS_STORED = new Set(['1.2.840.10008.1.2.5', '1.2.840.10008.1.2.1.98', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70']);

/** Decodes frame `frame` (1-based) of a Part 10 instance and renders it to 8-bit grey or RGB. */
export async function renderInstance(bytes: Uint8Array, options: { frame?: number; maxSize?: number } = {}): Promise<RenderedImage> {
  let dataset: DicomJsonDataset;
  try {
    dataset = readPart10Header(bytes).dataset;
  } catch (err) {
    throw new RenderError(`undecodable: ${message(err)}`);
  }
  const pixel = pixelModuleOf(dataset);
  if (typeof pixel === 'string') throw new RenderError(`not an image: ${pixel}`);
  const frame = options.frame ?? 1;
  if (frame < 1 || frame > pixel.numberOfFrames) throw new RenderError(`Frame ${frame} does not exist (instance has ${pixel.numberOfFrames})`, 404);
  const photometric = pixel.photometricInterpretation;
  const palette = photometric === 'PALETTE COLOR' ? paletteOf(bytes, dataset) : undefined;
  if (!palette && pixel.samplesPerPixel !== 1 && pixel.samplesPerPixel !== 3) throw new RenderError(`not renderable: ${pixel.samplesPerPixel} samples per pixel`);
  if (pixel.samplesPerPixel === 1 && !palette && !photometric.startsWith('MONOCHROME')) throw new RenderError(`not renderable: photometric interpretation ${photometric}`);

  let decoded: { values: ArrayLike<number>; transferSyntaxUid: string };
  try {
    const it = decodedSamples(bytes, pixel, [frame]);
    const next = await it.next();
    if (next.done) throw new Error('no frame decoded');
    decoded = next.value;
  } catch (err) {
    throw new RenderError(`undecodable: ${message(err)}`);
  }
  const full = palette
    ? applyPalette(decoded.values, palette, pixel)
    : pixel.samplesPerPixel === 3
      ? toRgb(decoded.values, pixel, decoded.transferSyntaxUid)
      : toGray(decoded.values, pixel, dataset, frame - 1);
  return downscale(full, options.maxSize);
}

function toGray(values: ArrayLike<number>, pixel: PixelModule, dataset: DicomJsonDataset, frameIndex: number): RenderedImage {
  const { slope, intercept } = frameRescale(dataset, frameIndex);
  const n = pixel.rows * pixel.columns;
  const modality = new Float64Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]! * slope + intercept;
    modality[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const window = frameWindow(dataset, frameIndex) ?? { center: (lo + hi) / 2, width: Math.max(1, hi - lo) };
  const { center, width } = window;
  const invert = pixel.photometricInterpretation === 'MONOCHROME1';
  const pixels = new Uint8Array(n);
  // PS3.3 C.11.2.1.2 linear VOI function.
  const below = center - 0.5 - (width - 1) / 2;
  const above = center - 0.5 + (width - 1) / 2;
  for (let i = 0; i < n; i++) {
    const v = modality[i]!;
    let out: number;
    if (v <= below) out = 0;
    else if (v > above) out = 255;
    else out = width <= 1 ? 255 : ((v - (center - 0.5)) / (width - 1) + 0.5) * 255;
    const b = Math.min(255, Math.max(0, Math.round(out)));
    pixels[i] = invert ? 255 - b : b;
  }
  return { width: pixel.columns, height: pixel.rows, channels: 1, pixels };
}

interface Palette {
  first: number;
  luts: [Uint8Array, Uint8Array, Uint8Array];
}

/** The three lookup tables (PS3.3 C.7.6.3.1.5-6), scaled to 8 bits. */
function paletteOf(bytes: Uint8Array, dataset: DicomJsonDataset): Palette {
  if (SegmentedPaletteData.some((t) => dataset[t])) throw new RenderError('not renderable: segmented palette colour lookup tables are not supported');
  let data: ReturnType<typeof readBinaryElements>;
  try {
    data = readBinaryElements(bytes, PaletteData);
  } catch (err) {
    throw new RenderError(`undecodable: ${err instanceof Part10Error ? err.message : message(err)}`);
  }
  let first = 0;
  const luts = PaletteDescriptor.map((descTag, c) => {
    const desc = getNumbers(dataset, descTag, 3);
    const lut = data[PaletteData[c]!];
    if (!desc || desc.length < 3 || !lut) throw new RenderError('not renderable: PALETTE COLOR without its lookup table descriptor or data');
    const entries = desc[0] === 0 ? 65536 : desc[0]!;
    first = desc[1]!;
    const bits = desc[2]!;
    const out = new Uint8Array(entries);
    if (bits <= 8 && lut.bytes.length === entries) {
      out.set(lut.bytes.subarray(0, entries)); // 8-bit entries packed two to a word
    } else if (lut.words.length >= entries) {
      // 16-bit entries (or 8-bit entries one to a word): keep the top 8 of `bits` bits.
      const bitsInWord = bits <= 8 && lut.words.subarray(0, entries).every((w) => w < 256) ? 8 : 16;
      for (let i = 0; i < entries; i++) out[i] = bitsInWord === 8 ? lut.words[i]! : lut.words[i]! >> 8;
    } else {
      throw new RenderError(`not renderable: palette lookup table data holds fewer than its ${entries} entries`);
    }
    return out;
  });
  return { first, luts: luts as [Uint8Array, Uint8Array, Uint8Array] };
}

function applyPalette(values: ArrayLike<number>, palette: Palette, pixel: PixelModule): RenderedImage {
  if (pixel.samplesPerPixel !== 1) throw new RenderError(`not renderable: PALETTE COLOR with ${pixel.samplesPerPixel} samples per pixel`);
  const [r, g, b] = palette.luts;
  const last = r.length - 1;
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const k = Math.min(last, Math.max(0, values[i]! - palette.first));
    out[i * 3] = r[k]!;
    out[i * 3 + 1] = g[Math.min(k, g.length - 1)]!;
    out[i * 3 + 2] = b[Math.min(k, b.length - 1)]!;
  }
  return { width: pixel.columns, height: pixel.rows, channels: 3, pixels: out };
}

function toRgb(values: ArrayLike<number>, pixel: PixelModule, transferSyntaxUid: string): RenderedImage {
  const n = pixel.rows * pixel.columns;
  // 16-bit colour RLE decodes right since the loader is patched (patches/@cornerstonejs+dicom-image-loader+*.patch).
  const asStored = isNativeTransferSyntax(transferSyntaxUid) || AS_STORED.has(transferSyntaxUid);
  const photometric = pixel.photometricInterpretation;
  const max = 2 ** Math.min(pixel.bitsStored, 16) - 1;
  const scale = pixel.bitsStored > 8 ? 255 / max : 1;
  const out = new Uint8Array(n * 3);
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  const put = (i: number, a: number, b: number, c: number, ybr: boolean) => {
    if (ybr) {
      // PS3.3 C.7.6.3.1.2, YBR_FULL → RGB.
      const y = a * scale;
      const cb = b * scale - 128;
      const cr = c * scale - 128;
      out[i * 3] = clamp(y + 1.402 * cr);
      out[i * 3 + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
      out[i * 3 + 2] = clamp(y + 1.772 * cb);
    } else {
      out[i * 3] = clamp(a * scale);
      out[i * 3 + 1] = clamp(b * scale);
      out[i * 3 + 2] = clamp(c * scale);
    }
  };
  const ybr = asStored && photometric.startsWith('YBR_FULL');
  if (asStored && photometric === 'YBR_FULL_422' && values.length === n * 2) {
    // Y1 Y2 Cb Cr for each pair of pixels along a row.
    for (let p = 0; p + 1 < n; p += 2) {
      const base = p * 2;
      put(p, values[base]!, values[base + 2]!, values[base + 3]!, true);
      put(p + 1, values[base + 1]!, values[base + 2]!, values[base + 3]!, true);
    }
  } else if (asStored && pixel.planarConfiguration === 1) {
    for (let i = 0; i < n; i++) put(i, values[i]!, values[n + i]!, values[2 * n + i]!, ybr);
  } else {
    for (let i = 0; i < n; i++) put(i, values[i * 3]!, values[i * 3 + 1]!, values[i * 3 + 2]!, ybr);
  }
  return { width: pixel.columns, height: pixel.rows, channels: 3, pixels: out };
}

function downscale(img: RenderedImage, maxSize?: number): RenderedImage {
  const { width: cols, height: rows, channels } = img;
  if (!maxSize || Math.max(rows, cols) <= maxSize) return img;
  const scale = maxSize / Math.max(rows, cols);
  const width = Math.max(1, Math.round(cols * scale));
  const height = Math.max(1, Math.round(rows * scale));
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(rows - 1, Math.floor(y / scale));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(cols - 1, Math.floor(x / scale));
      for (let c = 0; c < channels; c++) pixels[(y * width + x) * channels + c] = img.pixels[(sy * cols + sx) * channels + c]!;
    }
  }
  return { width, height, channels, pixels };
}

// ---- PNG ----

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.byteLength);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

export function encodePng(img: RenderedImage): Uint8Array<ArrayBuffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = img.channels === 3 ? 2 : 0; // truecolour or greyscale
  const stride = img.width * img.channels;
  const raw = Buffer.alloc((stride + 1) * img.height);
  for (let y = 0; y < img.height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(img.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

// ---- JPEG ----

/** Baseline JPEG through jpeg-js (pure JS, no native build); grey and RGB are handed over as RGBA. */
export function encodeJpeg(img: RenderedImage, quality = 90): Uint8Array<ArrayBuffer> {
  const n = img.width * img.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    if (img.channels === 1) {
      const v = img.pixels[i]!;
      rgba[o] = v;
      rgba[o + 1] = v;
      rgba[o + 2] = v;
    } else {
      rgba[o] = img.pixels[i * 3]!;
      rgba[o + 1] = img.pixels[i * 3 + 1]!;
      rgba[o + 2] = img.pixels[i * 3 + 2]!;
    }
    rgba[o + 3] = 255;
  }
  const { data } = jpeg.encode({ width: img.width, height: img.height, data: rgba }, quality);
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
}

export function encodeImage(img: RenderedImage, type: ImageType): Uint8Array<ArrayBuffer> {
  return type === 'image/jpeg' ? encodeJpeg(img) : encodePng(img);
}

/** The gateway's answer for a local instance: the rendered frame in the type Accept asks for, or RenderError. */
export async function renderedResponse(bytes: Uint8Array, accept: string | null, options: { frame?: number; maxSize?: number } = {}): Promise<Response> {
  const type = chooseImageType(accept);
  if (!type) throw new RenderError(`Rendered images are available as image/png or image/jpeg, not ${accept}`, 406);
  const img = await renderInstance(bytes, options);
  return new Response(encodeImage(img, type), { status: 200, headers: { 'Content-Type': type } });
}
