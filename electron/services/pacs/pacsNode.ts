/**
 * What every PACS node offers Dokuei, whatever the protocol: verification, queries at the four levels,
 * and retrieval into a sink (the local store) with progress and cancellation.
 * Implementations: DicomwebPacsNode (QIDO/WADO-RS) and DimsePacsNode (C-ECHO/C-FIND/C-GET/C-MOVE).
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { NodeSettings } from '../settings/settings';
import { says, type Says } from '../../../common/i18n/says';

export type QueryLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';

export interface PacsQuery {
  level: QueryLevel;
  /**
   * Matching keys by DICOM keyword (PatientID, PatientName, StudyDate, ModalitiesInStudy, AccessionNumber,
   * StudyDescription, …) with DICOM matching syntax: wildcards * and ?, ranges "20240101-20240131".
   */
  filters: Record<string, string>;
  /** Required below STUDY level. */
  studyInstanceUid?: string;
  /** Required at IMAGE level. */
  seriesInstanceUid?: string;
  limit?: number;
}

export interface RetrieveRequest {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  sopInstanceUids?: string[];
}

export interface RetrieveProgress {
  /** Instances stored so far. */
  completed: number;
  /** Instances that failed (the node said so, or they could not be stored). */
  failed: number;
  /** Known total, when the node says it (C-GET/C-MOVE pending counts, QIDO count first). */
  total?: number;
  bytes: number;
}

/** Receives each instance as it arrives, as Part 10 bytes. Throwing marks that instance failed. */
export type InstanceSink = (part10: Uint8Array) => Promise<void>;

export interface RetrieveOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RetrieveProgress) => void;
}

export type PacsErrorKind = 'unreachable' | 'timeout' | 'auth' | 'tls' | 'protocol' | 'refused' | 'cancelled' | 'not-found';

/** Every failure a user can meet talking to a node: the message names the node and says what to do. */
export class PacsError extends Error {
  constructor(
    readonly kind: PacsErrorKind,
    readonly nodeId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PacsError';
  }

  /** For the UI and the CLI: the kind worded in the reader's language, this message (node and cause) as its detail. */
  get says(): Says {
    return says(`services.pacs.${this.kind === 'not-found' ? 'notFound' : this.kind}`, { detail: this.message });
  }
}

export interface PacsNode {
  readonly settings: NodeSettings;
  /** C-ECHO or a cheap DICOMweb request. Resolves with the round-trip time in ms; throws PacsError. */
  echo(signal?: AbortSignal): Promise<number>;
  /** Results as DICOM JSON (text decoded per Specific Character Set). Throws PacsError. */
  find(query: PacsQuery, signal?: AbortSignal): Promise<DicomJsonDataset[]>;
  /** Streams instances into the sink as they arrive. Throws PacsError (kind 'cancelled' when aborted). */
  retrieve(request: RetrieveRequest, sink: InstanceSink, options?: RetrieveOptions): Promise<RetrieveProgress>;
  /** Releases sockets and servers. */
  close?(): Promise<void>;
}
