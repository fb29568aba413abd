/** The shape of `dokuei inspect --json` and of the UI's file inspector: one entry per file. */
import { z } from 'zod';

const nullableString = z.string().nullable();

export const InspectResult = z.object({
  file: z.string(),
  ok: z.boolean(),
  error: nullableString,
  transferSyntaxUID: nullableString,
  sopClassUID: nullableString,
  sopInstanceUID: nullableString,
  studyInstanceUID: nullableString,
  seriesInstanceUID: nullableString,
  modality: nullableString,
  patientName: nullableString,
  patientNameGroups: z.object({ alphabetic: nullableString, ideographic: nullableString, phonetic: nullableString }).nullable(),
  patientId: nullableString,
  rows: z.number().nullable(),
  columns: z.number().nullable(),
  numberOfFrames: z.number().nullable(),
  bitsAllocated: z.number().nullable(),
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: z.number().nullable(),
  /**
   * The pixel data is known to hold the original values: a lossless transfer syntax and no Lossy Image
   * Compression "01". False for lossy and maybe-lossy syntaxes (JPEG baseline/extended, JPEG-LS near-lossless,
   * JPEG 2000 .91, HTJ2K .203); null without pixel data.
   */
  lossless: z.boolean().nullable(),
  /**
   * Per frame, over the decoded stored values (before rescale) in their native type (Uint8/Int8, Uint16/Int16,
   * Uint32/Int32 per Bits Allocated and Pixel Representation), little endian; colour: the samples as the codec
   * returns them. Null when the frames cannot be decoded: framesError says why. modalityMin/modalityMax: min and
   * max through that frame's Rescale Slope/Intercept (enhanced objects: the Pixel Value Transformation Sequence of
   * the frame's Per-frame, else the Shared Functional Groups; else the top-level attributes; else 1/0).
   */
  frames: z.array(z.object({ sha256: z.string(), min: z.number(), max: z.number(), modalityMin: z.number(), modalityMax: z.number() })).nullable(),
  framesError: nullableString,
  /** The raw library message behind `error` or `framesError` (those are sentences for people); for tools only. */
  errorDetail: nullableString.optional(),
  /**
   * Only when several files are inspected together: for a file that is not lossless, the largest absolute
   * difference in modality values (stored × each frame's Rescale Slope + Intercept) from a lossless file among the inputs
   * holding the same image (same SOP Instance UID, or the one its Source Image Sequence names, and the same
   * rows × columns × frames); losslessReference is that file.
   */
  maxDifferenceFromLossless: z.number().nullable(),
  losslessReference: nullableString,
  /** Every Person Name in the file, sequence items included: "(0032,1064)[1].(0010,0010)" → decoded value. */
  personNames: z.array(z.object({ path: z.string(), value: z.string() })),
});
export type InspectResult = z.infer<typeof InspectResult>;
