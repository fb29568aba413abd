import { z } from 'zod';
import { SAYS_KEY } from './says';

/** A Says (./says.ts) on the wire: a catalogue key and its values. */
export const SaysSchema = z.object({
  key: z.string().regex(SAYS_KEY),
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
