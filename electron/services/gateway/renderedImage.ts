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
  if (transferSyntaxUid === '1.2.840.10008.1.2.5' && pixel.bitsAllocated > 8) {
    // dicom-image-loader's RLE decoder writes 16-bit segments as one plane: colour would come out scrambled.
    throw new RenderError(`undecodable: the RLE decoder handles ${pixel.bitsAllocated}-bit samples only for one sample per pixel`);
  }
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

// ---- Baseline JPEG (ITU T.81), 8-bit, grey or YCbCr 4:4:4, one quantisation table, our own Huffman tables ----

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29,
  22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];
const STD_LUMINANCE_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109,
  103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

interface HuffmanTable {
  /** Number of codes of each length 1..16. */
  counts: number[];
  symbols: number[];
  code: Map<number, { bits: number; length: number }>;
}

/** A canonical Huffman table from (symbol, code length) pairs; lengths must satisfy Kraft's inequality strictly. */
function huffman(lengths: [number, number][]): HuffmanTable {
  const sorted = [...lengths].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const counts = new Array<number>(16).fill(0);
  for (const [, len] of sorted) counts[len - 1]!++;
  const code = new Map<number, { bits: number; length: number }>();
  let next = 0;
  let len = 1;
  for (const [symbol, l] of sorted) {
    while (len < l) {
      next <<= 1;
      len++;
    }
    code.set(symbol, { bits: next++, length: l });
  }
  return { counts, symbols: sorted.map(([s]) => s), code };
}

// DC: categories 0..11, 4 bits each. AC: EOB 2 bits, small run-0 coefficients 4 bits, every other symbol 9 bits.
const DC_TABLE = huffman(Array.from({ length: 12 }, (_, s) => [s, 4] as [number, number]));
const AC_TABLE = huffman([
  [0x00, 2],
  ...[0x01, 0x02, 0x03, 0x04].map((s) => [s, 4] as [number, number]),
  [0xf0, 9],
  ...Array.from({ length: 16 }, (_, run) => Array.from({ length: 10 }, (_, size) => (run << 4) | (size + 1)))
    .flat()
    .filter((s) => s > 0x04)
    .map((s) => [s, 9] as [number, number]),
]);

const COS = Array.from({ length: 64 }, (_, k) => {
  const x = k >> 3;
  const u = k & 7;
  return Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1) * 0.5;
});

class BitWriter {
  private readonly out: number[] = [];
  private acc = 0;
  private n = 0;
  write(bits: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((bits >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.out.push(this.acc);
    if (this.acc === 0xff) this.out.push(0); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }
  finish(): number[] {
    while (this.n !== 0) this.write(1, 1); // pad with 1 bits
    return this.out;
  }
}

export function encodeJpeg(img: RenderedImage, quality = 90): Uint8Array<ArrayBuffer> {
  const q = quality < 50 ? 5000 / quality : 200 - quality * 2;
  const quant = STD_LUMINANCE_Q.map((v) => Math.min(255, Math.max(1, Math.floor((v * q + 50) / 100))));
  const nc = img.channels;
  const { width, height } = img;
  const planes: Float32Array[] = Array.from({ length: nc }, () => new Float32Array(width * height));
  for (let i = 0; i < width * height; i++) {
    if (nc === 1) {
      planes[0]![i] = img.pixels[i]!;
    } else {
      const r = img.pixels[i * 3]!;
      const g = img.pixels[i * 3 + 1]!;
      const b = img.pixels[i * 3 + 2]!;
      planes[0]![i] = 0.299 * r + 0.587 * g + 0.114 * b;
      planes[1]![i] = -0.168736 * r - 0.331264 * g + 0.5 * b + 128;
      planes[2]![i] = 0.5 * r - 0.418688 * g - 0.081312 * b + 128;
    }
  }
  const bw = new BitWriter();
  const emit = (table: HuffmanTable, symbol: number) => {
    const c = table.code.get(symbol)!;
    bw.write(c.bits, c.length);
  };
  const category = (v: number) => (v === 0 ? 0 : 32 - Math.clz32(Math.abs(v)));
  const prevDc = new Array<number>(nc).fill(0);
  const block = new Float32Array(64);
  const coef = new Int32Array(64);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let c = 0; c < nc; c++) {
        const plane = planes[c]!;
        for (let y = 0; y < 8; y++) {
          const sy = Math.min(height - 1, by + y);
          for (let x = 0; x < 8; x++) block[y * 8 + x] = plane[sy * width + Math.min(width - 1, bx + x)]! - 128;
        }
        // Separable forward DCT, then quantisation.
        for (let v = 0; v < 8; v++) {
          for (let u = 0; u < 8; u++) {
            let s = 0;
            for (let y = 0; y < 8; y++) {
              let row = 0;
              for (let x = 0; x < 8; x++) row += block[y * 8 + x]! * COS[x * 8 + u]!;
              s += row * COS[y * 8 + v]!;
            }
            coef[v * 8 + u] = Math.round(s / quant[v * 8 + u]!);
          }
        }
        const dc = coef[0]!;
        const diff = dc - prevDc[c]!;
        prevDc[c] = dc;
        const dcCat = category(diff);
        emit(DC_TABLE, dcCat);
        if (dcCat) bw.write(diff < 0 ? diff + (1 << dcCat) - 1 : diff, dcCat);
        let run = 0;
        for (let k = 1; k < 64; k++) {
          const v = coef[ZIGZAG[k]!]!;
          if (v === 0) {
            run++;
            continue;
          }
          while (run > 15) {
            emit(AC_TABLE, 0xf0);
            run -= 16;
          }
          const cat = Math.min(10, category(v));
          emit(AC_TABLE, (run << 4) | cat);
          bw.write(v < 0 ? v + (1 << cat) - 1 : v, cat);
          run = 0;
        }
        if (run > 0) emit(AC_TABLE, 0x00);
      }
    }
  }
  const scan = bw.finish();
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const dht = (cls: number, table: HuffmanTable) => [cls, ...table.counts, ...table.symbols];
  const bytes = [
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF: 3 components are YCbCr
    ...segment(0xdb, [0x00, ...ZIGZAG.map((k) => quant[k]!)]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, nc, ...Array.from({ length: nc }, (_, c) => [c + 1, 0x11, 0]).flat()]),
    ...segment(0xc4, [...dht(0x00, DC_TABLE), ...dht(0x10, AC_TABLE)]),
    ...segment(0xda, [nc, ...Array.from({ length: nc }, (_, c) => [c + 1, 0x00]).flat(), 0, 63, 0]),
  ];
  const out = new Uint8Array(bytes.length + scan.length + 2);
  out.set(bytes, 0);
  out.set(scan, bytes.length);
  out.set([0xff, 0xd9], bytes.length + scan.length);
  return out;
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
