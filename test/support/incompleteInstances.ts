/**
 * Complete and incomplete instances for the completeness tests, generated here so the tests need nothing
 * outside the repository: a small MR (64 × 64, 16-bit, like pydicom's MR_small) natively and RLE-encapsulated,
 * and the ways a transfer or a disk cuts them short.
 */
import { writeDcmjs } from './dcmjsWrite';
import { TS, writePart10 } from './part10Writer';

export const MR_STUDY = '1.2.826.0.1.3680043.9.7777.16.1';
export const MR_SERIES = '1.2.826.0.1.3680043.9.7777.16.2';
export const MR_SOP = '1.2.826.0.1.3680043.9.7777.16.3';

function mrDataset(sop: string, frames: number): Record<string, unknown> {
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.4',
    SOPInstanceUID: sop,
    StudyInstanceUID: MR_STUDY,
    SeriesInstanceUID: MR_SERIES,
    Modality: 'MR',
    PatientName: 'Incomplete^Test',
    PatientID: 'INC-16',
    Rows: 64,
    Columns: 64,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    ...(frames > 1 ? { NumberOfFrames: String(frames) } : {}),
  };
}

function pixels(frames: number, seed: number): Uint16Array {
  const p = new Uint16Array(64 * 64 * frames);
  for (let i = 0; i < p.length; i++) p[i] = (i * 7 + seed * 131) & 0x0fff;
  return p;
}

/** A complete native MR (explicit VR little endian): 64 × 64 × frames × 16 bits. */
export function nativeMr(options: { sop?: string; frames?: number; seed?: number } = {}): Uint8Array {
  const frames = options.frames ?? 1;
  const seed = options.seed ?? 0;
  // The seed changes the pixels only, so two copies of one SOP Instance can differ in content alone.
  return writeDcmjs({ ...mrDataset(options.sop ?? MR_SOP, frames), PixelData: pixels(frames, seed).buffer }, '1.2.840.10008.1.2.1');
}

/** An RLE Lossless image (encapsulated: an empty Basic Offset Table, one fragment per frame), 64 × 64 16-bit. */
export function encapsulatedMr(options: { sop?: string; frames?: number } = {}): Uint8Array {
  const frames = Array.from({ length: options.frames ?? 3 }, (_, f) => pixels(1, f + 1));
  return writePart10({ sopInstanceUid: options.sop ?? MR_SOP, rows: 64, columns: 64, bitsAllocated: 16, signed: false, frames }, TS.rle);
}

/** The bytes without their last `n`: a transfer or copy stopped short. */
export function cutShort(bytes: Uint8Array, n: number): Uint8Array {
  return bytes.slice(0, bytes.byteLength - n);
}

/**
 * Like pydicom's MR_truncated.dcm: a 64 × 64 16-bit MR whose file ends inside its pixel data (the element
 * announces 8192 bytes; fewer follow).
 */
export function mrTruncatedLike(): Uint8Array {
  return cutShort(nativeMr(), 212);
}
