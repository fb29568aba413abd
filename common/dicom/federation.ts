/**
 * What a federated search answers: studies merged across the local store and every node, each saying
 * where it can be found, and each node's own outcome so a reader sees which PACS answered.
 */
import { z } from 'zod';
import { SaysSchema } from '../i18n/saysSchema';

export const NodeState = z.enum(['ok', 'slow', 'unreachable', 'error']);
export type NodeState = z.infer<typeof NodeState>;

export const NodeOutcome = z.object({
  nodeId: z.string(),
  name: z.string(),
  role: z.enum(['onsite', 'offsite', 'other', 'local']),
  state: NodeState,
  ms: z.number().nonnegative(),
  count: z.number().int().nonnegative(),
  error: z.string().optional(),
  /** The error as a key of the services' catalogue (common/i18n/says), for the UI to word in the reader's language. */
  says: SaysSchema.optional(),
});
export type NodeOutcome = z.infer<typeof NodeOutcome>;

export const PersonName = z.object({ Alphabetic: z.string().optional(), Ideographic: z.string().optional(), Phonetic: z.string().optional() });

export const FederatedStudy = z.object({
  studyInstanceUid: z.string(),
  patientName: PersonName,
  patientNameText: z.string(),
  patientId: z.string(),
  patientBirthDate: z.string(),
  patientSex: z.string(),
  studyDate: z.string(),
  studyTime: z.string(),
  studyDescription: z.string(),
  accessionNumber: z.string(),
  modalities: z.array(z.string()),
  numberOfSeries: z.number().optional(),
  numberOfInstances: z.number().optional(),
  /** Where the study is: 'local' and/or node ids, in the order a retrieve would try them. */
  locations: z.array(z.string()),
  /** Convenience for the UI: which roles hold it. */
  availability: z.object({ local: z.boolean(), onsite: z.boolean(), offsite: z.boolean(), other: z.boolean() }),
  /** Instances held locally (a partial retrieve shows here). */
  localInstances: z.number().int().nonnegative(),
});
export type FederatedStudy = z.infer<typeof FederatedStudy>;

export const FederatedSearchResult = z.object({
  studies: z.array(FederatedStudy),
  nodes: z.array(NodeOutcome),
});
export type FederatedSearchResult = z.infer<typeof FederatedSearchResult>;
