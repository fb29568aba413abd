/**
 * What the gateway needs from local storage. The encrypted archive (archive/encryptedArchive.ts) implements
 * it; patient data is never stored in clear (the bench's plain baseline store, bench/lib/plainStore.ts, is
 * not part of the product).
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { SeriesInstanceUid, SopInstanceUid, StudyInstanceUid } from '../../../common/dicom/uid';

/**
 * What a put did. 'duplicate': an identical copy (same content hash) was already stored; 'replaced': it
 * replaced an incomplete stored copy; 'conflict': a different complete copy is stored, so this one was kept
 * aside (`keptAs`, a path in the store's folder) and not served. An incomplete instance is never stored: put
 * throws (dicom/completeness.ts IncompleteInstanceError).
 */
export interface PutOutcome {
  kind: 'stored' | 'duplicate' | 'replaced' | 'conflict';
  study: StudyInstanceUid;
  series: SeriesInstanceUid;
  instance: SopInstanceUid;
  keptAs?: string;
}

export interface StoreCounts {
  studies: number;
  series: number;
  instances: number;
  bytes: number;
}

export interface InstanceStore {
  readonly root: string;
  /** Study-level QIDO attributes of every local study (filtering happens in the gateway). */
  studies(): DicomJsonDataset[];
  hasStudy(study: StudyInstanceUid): boolean;
  /** Series-level attributes; undefined when the study is not local. */
  series(study: StudyInstanceUid): DicomJsonDataset[] | undefined;
  /** Instance metadata (full datasets without pixel data); undefined when not local. */
  instances(study: StudyInstanceUid, series?: SeriesInstanceUid): DicomJsonDataset[] | undefined;
  instanceMetadata(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): DicomJsonDataset | undefined;
  /** The Part 10 bytes; undefined when not local. */
  readInstance(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): Promise<Uint8Array | undefined>;
  put(bytes: Uint8Array): Promise<PutOutcome>;
  counts(): StoreCounts;
  onChange(listener: () => void): () => void;
}
