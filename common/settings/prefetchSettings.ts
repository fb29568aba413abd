/**
 * The prefetch rules a reader sets in the settings window, as settings.json holds them (services) and the window
 * edits them (IPC contract). Isomorphic: zod only.
 */
import { z } from 'zod';

/** What is fetched ahead of the reader (electron/services/prefetch); absent: the defaults. */
export const PrefetchSettings = z.object({
  /** Opening a study queues its patient's most recent other studies. */
  priorsOnOpen: z.boolean().default(true),
  /** How many of them (most recent first; those already complete here count). */
  priorsCount: z.number().int().min(1, 'At least 1 prior').max(20, 'At most 20 priors').default(3),
  /** At start, today's studies on the nodes are queued (a reading room's worklist of the day). */
  todayOnStart: z.boolean().default(false),
});
export type PrefetchSettings = z.infer<typeof PrefetchSettings>;

