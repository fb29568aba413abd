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
  /** Every Person Name in the file, sequence items included: "(0032,1064)[1].(0010,0010)" → decoded value. */
  personNames: z.array(z.object({ path: z.string(), value: z.string() })),
});
export type InspectResult = z.infer<typeof InspectResult>;
