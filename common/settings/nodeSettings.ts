/**
 * The PACS node settings' schema, shared by the services (settings.json, validated at load and save) and the
 * settings window (each field checked as the reader types, with the same messages). Isomorphic: zod only.
 * Secrets (passwords, tokens, client keys) are never part of a node: it names them by `secretRef`.
 */
import { z } from 'zod';

/** Where a node sits in the hospital: on-site PACS (recent years), off-site archive (everything), other. */
export const NodeRole = z.enum(['onsite', 'offsite', 'other']);
export type NodeRole = z.infer<typeof NodeRole>;

export const AeTitle = z
  .string()
  .min(1)
  .max(16)
  .regex(/^[\x20-\x5b\x5d-\x7e]+$/, 'AE titles are at most 16 printable ASCII characters, no backslash')
  .refine((s) => s.trim().length > 0, 'AE title cannot be blank');

export const NodeBase = z.object({
  /** Stable identifier (used in secretRefs, jobs and the CLI's --node); letters, digits, - and _. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'Node ids are 1–40 letters, digits, - or _'),
  name: z.string().min(1).max(64),
  role: NodeRole.default('other'),
  /** Lower is asked first when several nodes hold a study (on-site before the off-site archive). */
  priority: z.number().int().min(0).max(1000).default(100),
  enabled: z.boolean().default(true),
  /** Connection set-up (TCP/TLS/association) must finish within this. */
  connectTimeoutMs: z.number().int().min(100).max(120000).default(5000),
  /** A query must answer within this, or the node is reported unreachable for that query. */
  timeoutMs: z.number().int().min(100).max(600000).default(15000),
  /** Answers slower than this are shown as "slow". */
  slowMs: z.number().int().min(10).max(600000).default(3000),
});

export const DicomwebAuth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), secretRef: z.string().min(1) }),
  z.object({ type: z.literal('bearer'), secretRef: z.string().min(1) }),
  z.object({
    type: z.literal('oauth2'),
    /** Authorization code + PKCE (RFC 7636) with a loopback redirect (RFC 8252). */
    authorizationUrl: z.url({ protocol: /^https?$/ }),
    tokenUrl: z.url({ protocol: /^https?$/ }),
    clientId: z.string().min(1),
    scope: z.string().default('openid'),
    /** Where the tokens are kept in the SecretStore. */
    secretRef: z.string().min(1),
  }),
]);
export type DicomwebAuth = z.infer<typeof DicomwebAuth>;

export const TlsSettings = z.object({
  /** PEM file with the CA(s) to trust in addition to the system's (a hospital's own CA). */
  caFile: z.string().min(1).optional(),
  /** PEM client certificate, for nodes that want mutual TLS; its key is a secret. */
  clientCertFile: z.string().min(1).optional(),
  clientKeySecretRef: z.string().min(1).optional(),
});
export type TlsSettings = z.infer<typeof TlsSettings>;

export const DicomwebNodeSettings = NodeBase.extend({
  kind: z.literal('dicomweb'),
  url: z.url({ protocol: /^https?$/ }),
  auth: DicomwebAuth.default({ type: 'none' }),
  tls: TlsSettings.optional(),
  /**
   * Lets this node's credentials (password, bearer or OAuth tokens, and the OAuth sign-in) travel over plain
   * http://, readable by anyone on the network path. Absent means false: credentials go over https only.
   * Not recommended; the UI marks such a node as insecure, and each use is logged. Optional rather than
   * defaulted so that saving settings does not write it into every node.
   */
  allowInsecureCredentials: z.boolean().optional(),
});
export type DicomwebNodeSettings = z.infer<typeof DicomwebNodeSettings>;

export const DimseNodeSettings = NodeBase.extend({
  kind: z.literal('dimse'),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  calledAeTitle: AeTitle,
  /** Our AE title towards this node; defaults to the local SCP's. */
  callingAeTitle: AeTitle.optional(),
  retrieve: z.enum(['C-GET', 'C-MOVE']).default('C-GET'),
});
export type DimseNodeSettings = z.infer<typeof DimseNodeSettings>;

export const NodeSettings = z.discriminatedUnion('kind', [DicomwebNodeSettings, DimseNodeSettings]);
export type NodeSettings = z.infer<typeof NodeSettings>;

/** The id a new node gets from its name (letters, digits, - and _; at most 40), as the settings window proposes it. */
export function nodeIdFromName(name: string, fallback: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || fallback;
}
