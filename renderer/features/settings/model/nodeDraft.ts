/**
 * A PACS node as the settings window edits it: every field as typed (strings), the typed secrets beside it, and
 * its checks with the services' own schema (common/settings/nodeSettings), so a message stands next to its field
 * before anything is sent. Secrets are kept by the draft only until saved: the node names them by `secretRef`.
 */
import { NodeSettings, nodeIdFromName } from '../../../../common/settings/nodeSettings';

export type AuthType = 'none' | 'basic' | 'bearer' | 'oauth2';

export interface NodeDraft {
  /** Empty while the node is new: proposed from the name until the reader types one. */
  id: string;
  idTouched: boolean;
  kind: 'dicomweb' | 'dimse';
  name: string;
  role: 'onsite' | 'offsite' | 'other';
  priority: string;
  enabled: boolean;
  timeoutMs: string;
  // DICOMweb
  url: string;
  authType: AuthType;
  username: string;
  authorizationUrl: string;
  tokenUrl: string;
  clientId: string;
  scope: string;
  caFile: string;
  clientCertFile: string;
  allowInsecureCredentials: boolean;
  /** The refs the node names (kept from the saved node, or made from the id). */
  secretRef: string;
  clientKeySecretRef: string;
  /** Typed secrets: the password or token (basic/bearer), the TLS client key (PEM). Empty: keep what is stored. */
  secret: string;
  clientKey: string;
  // DIMSE
  host: string;
  port: string;
  calledAeTitle: string;
  callingAeTitle: string;
  retrieve: 'C-GET' | 'C-MOVE';
}

export function newDraft(kind: NodeDraft['kind']): NodeDraft {
  return {
    id: '',
    idTouched: false,
    kind,
    name: '',
    role: 'onsite',
    priority: '100',
    enabled: true,
    timeoutMs: '15000',
    url: '',
    authType: 'none',
    username: '',
    authorizationUrl: '',
    tokenUrl: '',
    clientId: '',
    scope: 'openid',
    caFile: '',
    clientCertFile: '',
    allowInsecureCredentials: false,
    secretRef: '',
    clientKeySecretRef: '',
    secret: '',
    clientKey: '',
    host: '',
    port: kind === 'dimse' ? '104' : '',
    calledAeTitle: '',
    callingAeTitle: '',
    retrieve: 'C-GET',
  };
}

export function draftOf(node: NodeSettings): NodeDraft {
  const d = newDraft(node.kind);
  Object.assign(d, { id: node.id, idTouched: true, name: node.name, role: node.role, priority: String(node.priority), enabled: node.enabled, timeoutMs: String(node.timeoutMs) });
  if (node.kind === 'dicomweb') {
    d.url = node.url;
    d.authType = node.auth.type;
    if (node.auth.type !== 'none') d.secretRef = node.auth.secretRef;
    if (node.auth.type === 'basic') d.username = node.auth.username;
    if (node.auth.type === 'oauth2') Object.assign(d, { authorizationUrl: node.auth.authorizationUrl, tokenUrl: node.auth.tokenUrl, clientId: node.auth.clientId, scope: node.auth.scope });
    d.caFile = node.tls?.caFile ?? '';
    d.clientCertFile = node.tls?.clientCertFile ?? '';
    d.clientKeySecretRef = node.tls?.clientKeySecretRef ?? '';
    d.allowInsecureCredentials = node.allowInsecureCredentials ?? false;
  } else {
    Object.assign(d, { host: node.host, port: String(node.port), calledAeTitle: node.calledAeTitle, callingAeTitle: node.callingAeTitle ?? '', retrieve: node.retrieve });
  }
  return d;
}

/** The id the draft will be saved with: typed, or proposed from the name (unique among `taken`). */
export function effectiveId(d: NodeDraft, taken: ReadonlySet<string>): string {
  if (d.idTouched) return d.id;
  const base = nodeIdFromName(d.name, 'node');
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base.slice(0, 36)}-${i}`;
  return id;
}

const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));

/** The node as the services take it (before defaults), with the refs of its secrets. */
export function nodeInput(d: NodeDraft, id: string): Record<string, unknown> {
  const base = { id, name: d.name.trim(), role: d.role, priority: num(d.priority), enabled: d.enabled, timeoutMs: num(d.timeoutMs) };
  if (d.kind === 'dimse') {
    return { ...base, kind: 'dimse', host: d.host.trim(), port: num(d.port), calledAeTitle: d.calledAeTitle, ...(d.callingAeTitle ? { callingAeTitle: d.callingAeTitle } : {}), retrieve: d.retrieve };
  }
  const secretRef = d.secretRef || `${id}-${d.authType === 'basic' ? 'password' : d.authType === 'bearer' ? 'token' : 'oauth'}`;
  const auth =
    d.authType === 'none'
      ? { type: 'none' }
      : d.authType === 'basic'
        ? { type: 'basic', username: d.username, secretRef }
        : d.authType === 'bearer'
          ? { type: 'bearer', secretRef }
          : { type: 'oauth2', authorizationUrl: d.authorizationUrl.trim(), tokenUrl: d.tokenUrl.trim(), clientId: d.clientId, scope: d.scope || 'openid', secretRef };
  const tls = {
    ...(d.caFile ? { caFile: d.caFile } : {}),
    ...(d.clientCertFile ? { clientCertFile: d.clientCertFile, clientKeySecretRef: d.clientKeySecretRef || `${id}-client-key` } : {}),
  };
  return { ...base, kind: 'dicomweb', url: d.url.trim(), auth, ...(Object.keys(tls).length ? { tls } : {}), ...(d.allowInsecureCredentials ? { allowInsecureCredentials: true } : {}) };
}

/** The field a schema path belongs to in the form ("auth.username" → "username"). */
const FIELD_OF: Record<string, keyof NodeDraft> = {
  'auth.username': 'username',
  'auth.authorizationUrl': 'authorizationUrl',
  'auth.tokenUrl': 'tokenUrl',
  'auth.clientId': 'clientId',
  'auth.secretRef': 'secret',
  'tls.caFile': 'caFile',
  'tls.clientCertFile': 'clientCertFile',
};

/** A problem with one field, as an i18n key under settings.problem (and its values). */
export interface Problem {
  key: 'required' | 'min' | 'max' | 'url' | 'idRule' | 'aeRule' | 'duplicateId' | 'duplicateName' | 'secretRequired' | 'invalid';
  values?: Record<string, string | number>;
}
export type DraftProblems = Partial<Record<keyof NodeDraft, Problem>>;

interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  format?: string;
}

/** The schema's issue as a problem the window can say in either language (its English message as the last resort). */
function problemOf(issue: SchemaIssue, field: keyof NodeDraft, value: unknown): Problem {
  if (issue.code === 'invalid_type' || value === '') return { key: 'required' };
  // Identifiers have one rule each, whatever part of it failed (length or characters).
  if (field === 'id') return { key: 'idRule' };
  if (field === 'calledAeTitle' || field === 'callingAeTitle') return { key: 'aeRule' };
  if (issue.code === 'too_small') return issue.origin === 'string' ? { key: 'required' } : { key: 'min', values: { min: Number(issue.minimum) } };
  if (issue.code === 'too_big') return { key: 'max', values: { max: Number(issue.maximum) } };
  if (issue.code === 'invalid_format' && issue.format === 'url') return { key: 'url' };
  return { key: 'invalid', values: { message: issue.message } };
}

/**
 * What is wrong, by field: the schema's checks, a name or id another node has, a secret the node needs but
 * neither typed nor stored. `stored` tells which secret refs the secret store holds.
 */
export function draftProblems(d: NodeDraft, id: string, others: readonly NodeSettings[], stored: Readonly<Record<string, boolean>>): DraftProblems {
  const problems: DraftProblems = {};
  const input = nodeInput(d, id);
  const parsed = NodeSettings.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues as SchemaIssue[]) {
      const key = issue.path.join('.');
      const field = FIELD_OF[key] ?? (issue.path[0] as keyof NodeDraft);
      const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
      problems[field] ??= problemOf(issue, field, value);
    }
  }
  if (others.some((n) => n.id === id)) problems.id ??= { key: 'duplicateId', values: { id } };
  if (d.name.trim() && others.some((n) => n.name === d.name.trim())) problems.name ??= { key: 'duplicateName' };
  if (parsed.success) {
    const node = parsed.data;
    if (node.kind === 'dicomweb' && (node.auth.type === 'basic' || node.auth.type === 'bearer') && !d.secret && !stored[node.auth.secretRef]) problems.secret = { key: 'secretRequired' };
    if (node.kind === 'dicomweb' && node.tls?.clientKeySecretRef && !d.clientKey && !stored[node.tls.clientKeySecretRef]) problems.clientKey = { key: 'secretRequired' };
  }
  return problems;
}

/** The typed secrets of a draft, by the refs its node names (what settings.nodes.save and .test take). */
export function typedSecrets(d: NodeDraft, node: NodeSettings): Record<string, string> {
  const out: Record<string, string> = {};
  if (node.kind !== 'dicomweb') return out;
  if ((node.auth.type === 'basic' || node.auth.type === 'bearer') && d.secret) out[node.auth.secretRef] = d.secret;
  if (node.tls?.clientKeySecretRef && d.clientKey) out[node.tls.clientKeySecretRef] = d.clientKey;
  return out;
}
