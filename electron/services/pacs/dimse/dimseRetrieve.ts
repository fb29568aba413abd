/**
 * Retrieval by C-GET (instances come back on the same association as C-STORE sub-operations) or C-MOVE
 * (the PACS opens its own association to our StoreScp). Both stream: each instance goes to the sink as
 * it arrives, as Part 10 bytes with our file meta around the dataset bytes the peer sent.
 *
 * Cancel: C-CANCEL, then wait (briefly) for the peer's final response; instances still arriving are
 * refused, the one being written finishes, and the promise rejects with PacsError('cancelled').
 */
import type { InstanceSink, RetrieveOptions, RetrieveProgress, RetrieveRequest } from '../pacsNode';
import { STATUS_CANNOT_UNDERSTAND, describeStatus, isPending, isSuccessOrWarning, pacsError, statusError } from './dimseErrors';
import { CGetRequest, CMoveRequest, Dataset, part10FromCStore, type Association, type CStoreRequestT, type DimseResponse, type RetrieveResponseT } from './dimseLib';
import { DimseSession, type SessionOptions, type SessionTarget } from './dimseSession';
import { QueryError, STUDY_ROOT_GET, STUDY_ROOT_MOVE } from './findIdentifier';
import { RetrieveTracker } from './retrieveTracker';
import { cGetStorageContexts } from './sopClasses';
import type { StoreScp } from './storeScp';

/** How long a cancelled retrieve waits for the peer's final response before aborting the association. */
const CANCEL_GRACE_MS = 5000;

const UID = /^[0-9.]{1,64}$/;

/** The retrieve identifier at the lowest level the request names (Study Root: higher-level UIDs included). */
export function retrieveIdentifier(request: RetrieveRequest): Record<string, string> {
  const uids = [request.studyInstanceUid, request.seriesInstanceUid, ...(request.sopInstanceUids ?? [])].filter((u): u is string => u !== undefined);
  const bad = uids.find((u) => !UID.test(u));
  if (bad !== undefined) throw new QueryError(`Not a valid DICOM UID: "${bad}"`);
  const identifier: Record<string, string> = { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: request.studyInstanceUid };
  if (request.seriesInstanceUid) {
    identifier.QueryRetrieveLevel = 'SERIES';
    identifier.SeriesInstanceUID = request.seriesInstanceUid;
  }
  if (request.sopInstanceUids?.length) {
    if (!request.seriesInstanceUid) throw new QueryError('Retrieving single instances needs their series Instance UID');
    identifier.QueryRetrieveLevel = 'IMAGE';
    // UID list matching (PS3.4 C.2.2.2.2): one request for all of them.
    identifier.SOPInstanceUID = request.sopInstanceUids.join('\\');
  }
  return identifier;
}

export interface RetrieveContext {
  target: SessionTarget;
  /** Longest silence tolerated during the retrieve. */
  idleTimeoutMs: number;
  request: RetrieveRequest;
  sink: InstanceSink;
  options: RetrieveOptions;
  /** Sessions are registered with the node, so that close() can end them. */
  track: (session: DimseSession) => void;
}

function peerCounts(response: DimseResponse) {
  const r = response as RetrieveResponseT;
  return { remaining: r.getRemaining(), completed: r.getCompleted(), failed: r.getFailures(), warning: r.getWarnings() };
}

function describe(request: RetrieveRequest): string {
  if (request.sopInstanceUids?.length) return `${request.sopInstanceUids.length} instance(s) of series ${request.seriesInstanceUid}`;
  if (request.seriesInstanceUid) return `series ${request.seriesInstanceUid}`;
  return `study ${request.studyInstanceUid}`;
}

/** Proposes our storage contexts with the SCP role, as a C-GET SCU must (PS3.4 C.4.3.1). */
function offerStorageScpRole(association: Association): void {
  const contexts = cGetStorageContexts();
  if (association.getPresentationContexts().length + contexts.length > 128) throw new Error('more than 128 presentation contexts');
  for (const { abstractSyntaxUid, transferSyntaxUids } of contexts) {
    const id = association.addPresentationContext(abstractSyntaxUid);
    for (const ts of transferSyntaxUids) association.addTransferSyntaxToPresentationContext(id, ts);
    const context = association.getPresentationContext(id);
    context.setUserRole(false);
    context.setProviderRole(true);
  }
}

export async function cGet(ctx: RetrieveContext): Promise<RetrieveProgress> {
  const tracker = new RetrieveTracker(ctx.sink, ctx.options.onProgress);
  const request = new CGetRequest();
  request.setAffectedSopClassUid(STUDY_ROOT_GET);
  // Not the library's list of storage classes: ours (sopClasses.ts) replaces it in offerStorageScpRole.
  request.setAddStorageSopClassesToAssociation(false);
  request.setDataset(new Dataset(retrieveIdentifier(ctx.request)));
  const onStore = async (store: CStoreRequestT): Promise<number> => {
    let part10: Uint8Array;
    try {
      part10 = part10FromCStore(store, ctx.target.calledAeTitle);
    } catch {
      return STATUS_CANNOT_UNDERSTAND;
    }
    return tracker.accept(part10);
  };
  return run(ctx, tracker, { operation: 'C-GET', request, timeout: { kind: 'idle', ms: ctx.idleTimeoutMs }, configure: offerStorageScpRole, onStore });
}

export async function cMove(ctx: RetrieveContext, scp: StoreScp | undefined): Promise<RetrieveProgress> {
  if (!scp) {
    throw pacsError(ctx.target, 'refused', "retrieves by C-MOVE, which needs Dokuei's own C-STORE SCP; enable it in settings (or switch the node to C-GET).");
  }
  const tracker = new RetrieveTracker(ctx.sink, ctx.options.onProgress);
  const request = new CMoveRequest();
  request.setAffectedSopClassUid(STUDY_ROOT_MOVE);
  request.setDataset(new Dataset(retrieveIdentifier(ctx.request)));
  request.getCommandDataset().setElement('MoveDestination', scp.aeTitle);
  const messageId = scp.newMoveMessageId(ctx.target.calledAeTitle);
  let session: DimseSession | undefined;
  const { studyInstanceUid, seriesInstanceUid, sopInstanceUids } = ctx.request;
  const unregister = scp.expectMove({
    peerAeTitle: ctx.target.calledAeTitle,
    originatorAeTitle: ctx.target.callingAeTitle,
    messageId,
    // Exactly what the identifier asks for: anything else the peer sends is refused (moveRouting.ts).
    scope: { studyInstanceUid, ...(seriesInstanceUid ? { seriesInstanceUid } : {}), ...(sopInstanceUids?.length ? { sopInstanceUids } : {}) },
    accept: (part10) => {
      session?.touch();
      return tracker.acceptWithReason(part10);
    },
  });
  try {
    return await run(ctx, tracker, { operation: 'C-MOVE', request, messageId, timeout: { kind: 'idle', ms: ctx.idleTimeoutMs } }, (s) => (session = s));
  } finally {
    unregister();
  }
}

async function run(ctx: RetrieveContext, tracker: RetrieveTracker, options: SessionOptions, started?: (s: DimseSession) => void): Promise<RetrieveProgress> {
  const { signal } = ctx.options;
  const cancelledError = () => pacsError(ctx.target, 'cancelled', `retrieve of ${describe(ctx.request)} cancelled.`);
  if (signal?.aborted) throw cancelledError();
  const session = new DimseSession(ctx.target, { ...options, onResponse: (r) => tracker.peerResponse(peerCounts(r), !isPending(r.getStatus())) });
  ctx.track(session);
  started?.(session);
  let graceTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    tracker.cancel();
    if (session.cancel()) graceTimer = setTimeout(() => session.fail(cancelledError()), CANCEL_GRACE_MS);
    else session.fail(cancelledError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let final: DimseResponse;
  try {
    final = await session.done;
  } catch (err) {
    await tracker.idle();
    throw tracker.cancelled ? cancelledError() : err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    clearTimeout(graceTimer);
  }
  await tracker.idle();
  if (tracker.cancelled) throw cancelledError();

  const status = final.getStatus();
  const progress = tracker.progress();
  if (status === 0xfe00) throw pacsError(ctx.target, 'cancelled', `cancelled the retrieve of ${describe(ctx.request)} itself (status ${describeStatus(status)}).`);
  if (!isSuccessOrWarning(status) && progress.completed === 0) throw statusError(ctx.target, options.operation, status, final.getErrorComment());
  if (!isSuccessOrWarning(status)) {
    // A failure after some instances came (Orthanc answers 0xC000 when its sub-association to us breaks, and
    // its final counts are not reliable): what arrived is stored and whole, but the retrieve did not complete.
    // Returning the progress would have read as "done" and marked the study complete with instances missing.
    const comment = final.getErrorComment()?.trim();
    throw pacsError(
      ctx.target,
      'protocol',
      `${options.operation} failed with status ${describeStatus(status)}${comment ? ` ("${comment}")` : ''} after ${progress.completed} instance(s) of ${describe(ctx.request)} had arrived; the rest did not come. Retrieve again to fetch them.`,
    );
  }
  if (progress.completed === 0 && progress.failed === 0 && tracker.peerCompleted === 0) {
    throw pacsError(ctx.target, 'not-found', `has nothing to send for ${describe(ctx.request)}.`);
  }
  return progress;
}
