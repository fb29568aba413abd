/**
 * A classic DICOM (DIMSE) PACS node: C-ECHO, C-FIND at the four levels, retrieval by C-GET or C-MOVE into
 * a sink. Each operation runs on its own association (DimseSession), so one slow retrieve never blocks a
 * query, and a peer misbehaving on one association cannot poison the next.
 */
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { datasetToDicomJson } from '../../dicom/datasetJson';
import type { DimseNodeSettings } from '../../settings/settings';
import type { InstanceSink, PacsNode, PacsQuery, RetrieveOptions, RetrieveProgress, RetrieveRequest } from '../pacsNode';
import { isPending, isSuccessOrWarning, pacsError, statusError } from './dimseErrors';
import { CEchoRequest, CFindRequest, CStoreRequest, Dataset, datasetFromPart10, rawBytesOf, rawDatasetsSupported, type DimseResponse } from './dimseLib';
import { cGet, cMove } from './dimseRetrieve';
import { DimseSession, type SessionOptions, type SessionTarget } from './dimseSession';
import { buildFindIdentifier } from './findIdentifier';
import type { StoreScp } from './storeScp';

export interface DimsePacsNodeDeps {
  /** Our local SCP: its AE title is our default calling AE title and the C-MOVE destination. */
  localScp: { aeTitle: string; port: number } | undefined;
  /** The running SCP that receives C-MOVE sub-operations; required for settings.retrieve 'C-MOVE'. */
  scp?: StoreScp;
}

/** Used when neither the node nor the local SCP names our AE title. */
const FALLBACK_CALLING_AE = 'DOKUEI';

export class DimsePacsNode implements PacsNode {
  private readonly sessions = new Set<DimseSession>();

  constructor(
    readonly settings: DimseNodeSettings,
    private readonly deps: DimsePacsNodeDeps,
  ) {}

  private get target(): SessionTarget {
    const s = this.settings;
    return {
      id: s.id,
      name: s.name,
      host: s.host,
      port: s.port,
      calledAeTitle: s.calledAeTitle,
      callingAeTitle: s.callingAeTitle ?? this.deps.localScp?.aeTitle ?? FALLBACK_CALLING_AE,
      connectTimeoutMs: s.connectTimeoutMs,
    };
  }

  private cancelled(what: string) {
    return pacsError(this.target, 'cancelled', `${what} cancelled.`);
  }

  private track = (session: DimseSession): void => {
    this.sessions.add(session);
    session.done.then(
      () => this.sessions.delete(session),
      () => this.sessions.delete(session),
    );
  };

  /** One session whose abort (signal) ends it at once with 'cancelled'. */
  private async runOnce(options: SessionOptions, signal: AbortSignal | undefined, onSession?: (s: DimseSession) => void): Promise<DimseResponse> {
    if (signal?.aborted) throw this.cancelled(options.operation);
    const session = new DimseSession(this.target, options);
    this.track(session);
    onSession?.(session);
    const onAbort = () => session.fail(this.cancelled(options.operation));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await session.done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * C-STORE of one Part 10 instance on its own association, offered in its transfer syntax and (for the library to
   * transcode native data into) explicit and implicit VR little endian. Resolves with the peer's status (0 stored,
   * 0xB000/0xB006/0xB007 stored with a warning, anything else refused); rejects with a PacsError when the
   * association or the exchange fails (unreachable, rejected, no such SOP class, timeout).
   */
  async store(part10: Uint8Array, signal?: AbortSignal): Promise<{ status: number; comment?: string }> {
    const request = new CStoreRequest(datasetFromPart10(part10));
    request.setAdditionalTransferSyntaxes(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']);
    const final = await this.runOnce({ operation: 'C-STORE', request, timeout: { kind: 'total', ms: this.settings.timeoutMs } }, signal);
    return { status: final.getStatus(), comment: final.getErrorComment() || undefined };
  }

  async echo(signal?: AbortSignal): Promise<number> {
    const started = performance.now();
    const final = await this.runOnce({ operation: 'C-ECHO', request: new CEchoRequest(), timeout: { kind: 'total', ms: this.settings.timeoutMs } }, signal);
    if (final.getStatus() !== 0) throw statusError(this.target, 'C-ECHO', final.getStatus(), final.getErrorComment());
    return performance.now() - started;
  }

  async find(query: PacsQuery, signal?: AbortSignal): Promise<DicomJsonDataset[]> {
    if (!rawDatasetsSupported()) throw new Error('dcmjs-dimse no longer exposes received datasets (Dataset._fromElementsBuffer); see dimseLib.ts');
    const { sopClassUid, elements } = buildFindIdentifier(query);
    const request = new CFindRequest();
    request.setAffectedSopClassUid(sopClassUid);
    request.setDataset(new Dataset(elements));
    const results: DicomJsonDataset[] = [];
    const limit = query.limit !== undefined && query.limit > 0 ? query.limit : undefined;
    let session: DimseSession | undefined;
    let limitReached = false;
    const onResponse = (response: DimseResponse) => {
      if (!isPending(response.getStatus()) || limitReached) return;
      const dataset = response.getDataset();
      const bytes = rawBytesOf(dataset);
      if (!dataset || !bytes) return;
      // Our decoder, not dcmjs: it reads every Specific Character Set, ISO 2022 Japanese included. A
      // DicomDataError here fails the query as a malformed answer (DimseSession maps it to 'protocol').
      results.push(datasetToDicomJson(bytes, dataset.getTransferSyntaxUid()));
      if (limit !== undefined && results.length >= limit) {
        // Enough: ask the peer to stop (it answers with status Cancel).
        limitReached = true;
        session?.cancel();
      }
    };
    const final = await this.runOnce(
      { operation: `C-FIND (${query.level})`, request, timeout: { kind: 'total', ms: this.settings.timeoutMs }, onResponse },
      signal,
      (s) => (session = s),
    );
    const status = final.getStatus();
    if (!isSuccessOrWarning(status) && !(status === 0xfe00 && limitReached)) throw statusError(this.target, 'C-FIND', status, final.getErrorComment());
    return results;
  }

  retrieve(request: RetrieveRequest, sink: InstanceSink, options: RetrieveOptions = {}): Promise<RetrieveProgress> {
    const ctx = { target: this.target, idleTimeoutMs: this.settings.timeoutMs, request, sink, options, track: this.track };
    return this.settings.retrieve === 'C-MOVE' ? cMove(ctx, this.deps.scp) : cGet(ctx);
  }

  /** Ends every association still open (A-ABORT); their operations reject with 'cancelled'. */
  async close(): Promise<void> {
    for (const session of [...this.sessions]) session.fail(this.cancelled('operation'));
    await Promise.allSettled([...this.sessions].map((s) => s.done));
  }
}
