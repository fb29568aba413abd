import { z } from 'zod';

/** A Says (./says.ts) on the wire: a catalogue key and its values. */
export const SaysSchema = z.object({
  key: z.string().regex(/^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/),
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
