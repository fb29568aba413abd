/**
 * Decoding one frame in plain Node with the viewer's own decoder: @cornerstonejs/dicom-image-loader's
 * `decodeImageFrame` (the function its web worker runs), so `dokuei inspect` sees the same stored values the
 * viewer shows. What it takes to run it outside a browser:
 *  - The loader's WASM codecs locate their .wasm with `new URL('@cornerstonejs/codec-…', import.meta.url)`,
 *    a bundler idiom that points nowhere in Node. Each codec is therefore initialised once, before its first
 *    use, with `wasmBasePath` set to its own package's folder (resolved through the package's exports), one
 *    codec at a time because the loader keeps that path in one module-level variable.
 *  - Emscripten binds `console.log` when a codec starts and OpenJPEG prints "[INFO] …" through it on every
 *    decode, which would corrupt `--json` on stdout: console.log is silenced while the codec starts, so the
 *    codec binds the silent function.
 *  - The loader is imported lazily and by a computed specifier, so that esbuild does not inline it (with
 *    cornerstone core) into the Electron main bundle; where it cannot be loaded, decoding fails with a reason.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of the loader we use (its .d.ts types drag in DOM types that the Node projects do not have). */
interface DicomImageLoader {
  decodeImageFrame(imageFrame: LoaderImageFrame, transferSyntax: string, pixelData: Uint8Array, decodeConfig: object, options: object): Promise<{ pixelData?: ArrayLike<number> }>;
  initializers: Record<string, (decodeConfig?: { wasmBasePath?: string }) => Promise<void>>;
}

export interface LoaderImageFrame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  photometricInterpretation: string;
  planarConfiguration: number;
}

const LOADER_SPECIFIER = ['@cornerstonejs', 'dicom-image-loader'].join('/');

/** Transfer syntax → the loader's initializer and the codec's .wasm (as its package exports it). */
const WASM_CODECS: Record<string, { initializer: string; wasm: string }> = {
  '1.2.840.10008.1.2.4.50': { initializer: 'JPEGBaseline8Bit', wasm: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm' },
  '1.2.840.10008.1.2.4.80': { initializer: 'JPEGLS', wasm: '@cornerstonejs/codec-charls/decodewasm' },
  '1.2.840.10008.1.2.4.81': { initializer: 'JPEGLS', wasm: '@cornerstonejs/codec-charls/decodewasm' },
  '1.2.840.10008.1.2.4.90': { initializer: 'JPEG2000', wasm: '@cornerstonejs/codec-openjpeg/decodewasm' },
  '1.2.840.10008.1.2.4.91': { initializer: 'JPEG2000', wasm: '@cornerstonejs/codec-openjpeg/decodewasm' },
  '3.2.840.10008.1.2.4.96': { initializer: 'HTJ2K', wasm: '@cornerstonejs/codec-openjph/wasm' },
  '1.2.840.10008.1.2.4.201': { initializer: 'HTJ2K', wasm: '@cornerstonejs/codec-openjph/wasm' },
  '1.2.840.10008.1.2.4.202': { initializer: 'HTJ2K', wasm: '@cornerstonejs/codec-openjph/wasm' },
  '1.2.840.10008.1.2.4.203': { initializer: 'HTJ2K', wasm: '@cornerstonejs/codec-openjph/wasm' },
};

let loaderPromise: Promise<DicomImageLoader> | undefined;
const started = new Map<string, Promise<void>>();
/** Codec start-ups run one after another: wasmBasePath is one global inside the loader. */
let startQueue: Promise<unknown> = Promise.resolve();

function loadLoader(): Promise<DicomImageLoader> {
  loaderPromise ??= (import(/* @vite-ignore */ LOADER_SPECIFIER) as Promise<DicomImageLoader>).catch((err: unknown) => {
    loaderPromise = undefined;
    throw new Error(`The pixel decoder (${LOADER_SPECIFIER}) cannot be loaded: ${message(err)}`);
  });
  return loaderPromise;
}

function startCodec(loader: DicomImageLoader, transferSyntax: string): Promise<void> {
  const codec = WASM_CODECS[transferSyntax];
  if (!codec) return Promise.resolve(); // pure JS decoders need no start-up
  let p = started.get(codec.initializer);
  if (!p) {
    p = startQueue.then(async () => {
      const wasmBasePath = path.dirname(createRequire(import.meta.url).resolve(codec.wasm));
      const init = loader.initializers[codec.initializer];
      if (!init) throw new Error(`The pixel decoder has no ${codec.initializer} codec`);
      const log = console.log;
      console.log = () => {};
      let pending: Promise<void>;
      try {
        pending = init({ wasmBasePath }); // the codec binds console.log synchronously, inside this call
      } finally {
        console.log = log;
      }
      await pending;
    });
    p.catch(() => started.delete(codec.initializer));
    startQueue = p.catch(() => undefined);
    started.set(codec.initializer, p);
  }
  return p;
}

export function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return `decoder error ${String(err)}`;
}

/**
 * Decodes one frame (as part10.extractFrames returns it: native frames little endian, encapsulated frames as
 * their fragments) to the samples the viewer gets, before any rescale: the loader sign-extends signed data at
 * Bits Stored and returns samples in the order the codec produces them (no colour conversion).
 */
export async function decodeFrame(imageFrame: LoaderImageFrame, transferSyntax: string, frame: Uint8Array): Promise<ArrayLike<number>> {
  const loader = await loadLoader();
  await startCodec(loader, transferSyntax);
  // A copy, at offset 0 of its own buffer: the loader views native frames in place (a Uint32Array view needs an
  // offset that is a multiple of 4) and sign-extends them in place. Not frame.slice(): on a Node Buffer (what
  // fs.readFile gives) slice is a view of the same memory, at the same odd offset.
  const decoded = await loader.decodeImageFrame({ ...imageFrame }, transferSyntax, new Uint8Array(frame), {}, { preScale: { enabled: false } });
  if (!decoded?.pixelData) throw new Error('The decoder returned no pixels');
  return decoded.pixelData;
}
