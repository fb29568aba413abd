/**
 * A DICOMweb PACS node: echo = a one-result QIDO, find = QIDO-RS, retrieve = WADO-RS streamed into the
 * local store. All HTTP (auth, TLS, timeouts, error mapping) goes through createNodeFetcher.
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import type { SecretStore } from '../../secrets/secretStore';
import type { DicomwebNodeSettings } from '../../settings/settings';
import {
  PacsError,
  type InstanceSink,
  type PacsNode,
  type PacsQuery,
  type RetrieveOptions,
  type RetrieveProgress,
  type RetrieveRequest,
} from '../pacsNode';
import { createNodeFetcher, type NodeFetcher } from './http';
import type { HttpsMemory } from './httpsMemory';
import { OAuthClient, type StartAuthorizationOptions, type Tokens } from './oauth';
import { countPath, groupPatients, qidoPath, wadoPath } from './qido';
import { ProgressTracker, retrieveMultipart } from './retrieve';
import { insecureUseLog } from './transportPolicy';
import type { AuditSink } from '../../audit/auditSink';

export interface DicomwebPacsNodeDeps {
  secrets: SecretStore;
  /** Clock for OAuth token expiry, for tests. */
  now?: () => number;
  /** Nodes used over https before (no downgrade to http); see createNodeFetcher. */
  httpsMemory?: HttpsMemory;
  /** Where transport warnings go (credentials over http with the node's permission); default console.warn. */
  log?: (message: string) => void;
  /** The audit trail (security alerts: credentials over http, refused OAuth sign-ins). */
  audit?: AuditSink;
}

const SeriesInstanceUID = '0020000E';
const SOPInstanceUID = '00080018';

function firstValue(ds: Record<string, unknown>, tag: string): unknown {
  const el = ds[tag] as { Value?: unknown[] } | undefined;
  return el?.Value?.[0];
}

export class DicomwebPacsNode implements PacsNode {
  private readonly fetcher: NodeFetcher;

  constructor(
    readonly settings: DicomwebNodeSettings,
    private readonly deps: DicomwebPacsNodeDeps,
  ) {
    this.fetcher = createNodeFetcher(settings, deps.secrets, { now: deps.now, httpsMemory: deps.httpsMemory, log: deps.log, ...(deps.audit ? { audit: deps.audit } : {}) });
  }

  /** The node's HTTP client, for the gateway's DicomwebUpstream (same auth, TLS and pool). */
  get http(): NodeFetcher {
    return this.fetcher;
  }

  /** For oauth2 nodes: the browser sign-in (tokens go to the SecretStore under auth.secretRef). */
  signIn(openBrowser: StartAuthorizationOptions['openBrowser'], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Tokens> {
    // The token endpoint is reached through the node's TLS trust (hospital IdPs often use the hospital CA).
    const log = this.deps.log ?? ((m: string) => console.warn(m));
    const audit = this.deps.audit ? { audit: this.deps.audit } : {};
    return new OAuthClient({ settings: this.settings, secrets: this.deps.secrets, fetch: this.fetcher.tokenFetch, now: this.deps.now, insecureUse: insecureUseLog(log, undefined, this.deps.audit), ...audit }).startAuthorization(
      openBrowser,
      options,
    );
  }

  async echo(signal?: AbortSignal): Promise<number> {
    const started = performance.now();
    await this.fetcher.getJson('/studies?limit=1', signal, 'the echo query (QIDO /studies?limit=1)');
    return performance.now() - started;
  }

  async find(query: PacsQuery, signal?: AbortSignal): Promise<DicomJsonDataset[]> {
    const path = qidoPath(query);
    const results = (await this.fetcher.getJson(path, signal, `the ${query.level.toLowerCase()} query`)) as DicomJsonDataset[];
    return query.level === 'PATIENT' ? groupPatients(results, query.limit) : results;
  }

  async retrieve(request: RetrieveRequest, sink: InstanceSink, options: RetrieveOptions = {}): Promise<RetrieveProgress> {
    const { signal } = options;
    const tracker = new ProgressTracker(options.onProgress);
    const study = request.studyInstanceUid;
    if (request.sopInstanceUids?.length) {
      tracker.progress.total = request.sopInstanceUids.length;
      tracker.emit();
      for (const sop of request.sopInstanceUids) {
        const series = request.seriesInstanceUid ?? (await this.seriesOf(study, sop, signal));
        if (!series) {
          tracker.progress.failed++; // the node does not have it
          tracker.emit();
          continue;
        }
        await retrieveMultipart(this.fetcher, wadoPath(study, series, sop), `the retrieve of instance ${sop}`, sink, tracker, signal);
      }
      return tracker.snapshot();
    }
    const series = request.seriesInstanceUid;
    tracker.progress.total = await this.count(study, series, signal);
    tracker.emit();
    await retrieveMultipart(this.fetcher, wadoPath(study, series), series ? `the retrieve of series ${series}` : `the retrieve of study ${study}`, sink, tracker, signal);
    return tracker.snapshot();
  }

  /**
   * How many instances the retrieve will bring, from a QIDO count first (WADO-RS answers carry no count).
   * Some nodes do not fill in the Number Of … Related Instances: then there is no total, not an error.
   */
  private async count(study: string, series: string | undefined, signal?: AbortSignal): Promise<number | undefined> {
    const { path, tag } = countPath(study, series);
    let rows: Record<string, unknown>[];
    try {
      rows = await this.fetcher.getJson(path, signal, 'the instance count query');
    } catch (err) {
      if (err instanceof PacsError && err.kind === 'protocol') return undefined;
      throw err;
    }
    if (rows.length === 0) {
      throw new PacsError('not-found', this.settings.id, `${this.settings.name}: ${series ? `series ${series}` : `study ${study}`} is not on this node`);
    }
    const n = Number(firstValue(rows[0]!, tag));
    return Number.isInteger(n) && n >= 0 ? n : undefined;
  }

  private async seriesOf(study: string, sop: string, signal?: AbortSignal): Promise<string | undefined> {
    const rows = await this.fetcher.getJson(
      `/studies/${encodeURIComponent(study)}/instances?${SOPInstanceUID}=${encodeURIComponent(sop)}&includefield=${SeriesInstanceUID}`,
      signal,
      'the instance lookup query',
    );
    const series = rows[0] ? firstValue(rows[0], SeriesInstanceUID) : undefined;
    return typeof series === 'string' ? series : undefined;
  }

  async close(): Promise<void> {
    await this.fetcher.close();
  }
}
