/**
 * What the gateway's route handlers share: the store, the nodes and their health, store-through, the log and
 * the partial-study bookkeeping (one per gateway), and the shape of a routed request. A handler is a plain
 * function of (context, call): a test builds a context with createGatewayContext and calls it directly.
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { DicomwebRoute } from '../../../common/dicom/dicomwebPaths';
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { seriesUid, sopUid, type SeriesInstanceUid, type StudyInstanceUid } from '../../../common/dicom/uid';
import { NodeHealth } from '../pacs/nodeHealth';
import type { DicomwebUpstream } from '../pacs/upstream';
import type { InstanceStore } from '../store/instanceStore';
import { DecryptedInstances } from './decryptedInstances';
import { PartialStudies } from './partialStudies';
import { StoreThrough, type InstanceRef } from './storeThrough';
import type { UpstreamNodes } from './upstreamReads';
import type { AuditSink } from '../audit/auditSink';
import { StudyAccessAudit } from './studyAccessAudit';

export interface GatewayOptions {
  store: InstanceStore;
  upstreams: readonly DicomwebUpstream[];
  /** Path prefix of the data plane in request URLs ("/dicomweb" in the browser host, "" for dicomweb://). */
  basePath?: string;
  log?: (message: string) => void;
  /** Shared node health; a fresh one by default. */
  health?: NodeHealth;
  /**
   * Store what passes through (default true): on a miss answered upstream, the whole instance is fetched in
   * the background and put in the store; a series metadata miss queues the whole series.
   * `{ series: false }` stores only instances actually read.
   */
  storeThrough?: boolean | { concurrency?: number; series?: boolean };
  /** The audit trail: studies opened (once each) and STOW-RS receipts are recorded here. */
  audit?: AuditSink;
}

export interface GatewayContext extends UpstreamNodes {
  readonly store: InstanceStore;
  /** Undefined when store-through is off (or there is no node). */
  readonly storeThrough: StoreThrough | undefined;
  /** Whether a series metadata miss queues the whole series for store-through. */
  readonly storeSeries: boolean;
  readonly partial: PartialStudies;
  /** Multi-frame instances decrypted for the frames route, kept for their next frames. */
  readonly decrypted: DecryptedInstances;
  readonly log: (message: string) => void;
  readonly audit: AuditSink | undefined;
  /** Records each study the viewer reads, once. */
  readonly studyAccess: StudyAccessAudit;
}

/** One routed GET of a route kind (or of one of several): what a route handler is called with. */
export interface RouteCall<K extends DicomwebRoute['kind'] = DicomwebRoute['kind']> {
  route: Extract<DicomwebRoute, { kind: K }>;
  url: URL;
  request: Request;
  /** The path below the data plane's base path, as the nodes are asked for it. */
  path: string;
  /** `path` and the query string. */
  pathAndQuery: string;
  /** Where the data plane is, as the client reached it: the base of the URLs in our answers. */
  ourBase: string;
}

export function createGatewayContext(options: GatewayOptions): GatewayContext {
  const { store, upstreams } = options;
  const log = options.log ?? (() => {});
  const health = options.health ?? new NodeHealth();
  const stOptions = typeof options.storeThrough === 'object' ? options.storeThrough : {};
  const partial = new PartialStudies(store);
  // Made even without upstreams: nodes added in the settings window join `upstreams` (the same array) later.
  const storeThrough =
    options.storeThrough === false
      ? undefined
      : new StoreThrough({ store, upstreams, health, concurrency: stOptions.concurrency, log, onStored: (ref) => partial.stored(ref) });
  // An instance that left the archive must not be answered from memory.
  const decrypted: DecryptedInstances = new DecryptedInstances(undefined, undefined, () =>
    store.onChange(() => decrypted.retain((ref) => !!store.instanceMetadata(ref.study, ref.series, ref.instance))),
  );
  const studyAccess = new StudyAccessAudit(options.audit, store);
  return { store, upstreams, health, storeThrough, storeSeries: stOptions.series ?? true, partial, decrypted, log, audit: options.audit, studyAccess };
}

/** A read answered upstream: store the instance in the background (never awaited). */
export function storeLater(ctx: GatewayContext, ref: InstanceRef, node?: DicomwebUpstream): void {
  ctx.storeThrough?.request({ study: ref.study, series: ref.series, instance: ref.instance }, 'read', node);
}

/** A series (or study) listing answered upstream: queue its instances for store-through, `prefer` first. */
export function queueSeries(
  ctx: GatewayContext,
  study: StudyInstanceUid,
  series: SeriesInstanceUid | undefined,
  items: DicomJsonDataset[],
  prefer?: DicomwebUpstream,
): void {
  const { storeThrough } = ctx;
  if (!storeThrough || !ctx.storeSeries) return;
  for (const ds of items) {
    const se = series ?? getString(ds, Tag.SeriesInstanceUID);
    const sop = getString(ds, Tag.SOPInstanceUID);
    if (!se || !sop) continue;
    try {
      storeThrough.request({ study, series: seriesUid(se), instance: sopUid(sop) }, 'prefetch', prefer);
    } catch {
      // a node listed a malformed UID: nothing to store for it
    }
  }
}
