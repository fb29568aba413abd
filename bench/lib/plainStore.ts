/**
 * The bench's baseline for the archive suite (bench/suites/archive.ts), never part of the product: the
 * encrypted archive has no plaintext mode, so its throughput is measured against this plain store. Part 10
 * files in clear under <root>/instances/<study>/<series>/<sop>.dcm with an in-memory index rebuilt at open;
 * writes go to a temp file, are fsynced, then renamed (the archive's durable-write path, without encryption
 * or journal). Patient data is never stored like this by Dokuei: the app, CLI and tests use EncryptedArchive.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { getString } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';
import { seriesUid, sopUid, studyUid, type SeriesInstanceUid, type SopInstanceUid, type StudyInstanceUid } from '../../common/dicom/uid';
import { readPart10Header } from '../../electron/services/dicom/part10';
import type { InstanceStore, PutOutcome, StoreCounts } from '../../electron/services/store/instanceStore';
import { instanceDatasets, seriesDatasets, studyDatasets } from '../../electron/services/store/studyIndexViews';
import { writeSyncedFile } from '../../electron/services/store/durableFile';
import { listFilesRecursively } from '../../electron/services/store/listFiles';

interface InstanceEntry {
  file: string;
  size: number;
  metadata: DicomJsonDataset;
}
interface SeriesEntry {
  instances: Map<string, InstanceEntry>;
}
interface StudyEntry {
  series: Map<string, SeriesEntry>;
}

export class PlainStore implements InstanceStore {
  private readonly index = new Map<string, StudyEntry>();
  private readonly listeners = new Set<() => void>();
  private bytes = 0;

  private constructor(readonly root: string) {}

  /** Opens (creating if needed) a store and indexes what is already there; unreadable files are reported. */
  static async open(root: string, onSkip?: (file: string, reason: string) => void): Promise<PlainStore> {
    const store = new PlainStore(path.resolve(root));
    await fs.mkdir(store.instancesDir, { recursive: true });
    await fs.mkdir(store.tmpDir, { recursive: true });
    // Leftovers of an interrupted write are never indexed.
    for (const f of await fs.readdir(store.tmpDir)) await fs.rm(path.join(store.tmpDir, f), { force: true });
    for (const file of await listFilesRecursively(store.instancesDir)) {
      if (!file.endsWith('.dcm')) continue;
      try {
        const bytes = await fs.readFile(file);
        store.addToIndex(file, bytes);
      } catch (err) {
        onSkip?.(file, err instanceof Error ? err.message : String(err));
      }
    }
    return store;
  }

  private get instancesDir(): string {
    return path.join(this.root, 'instances');
  }
  private get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  private addToIndex(file: string, bytes: Uint8Array): PutOutcome {
    const { dataset } = readPart10Header(bytes);
    const study = studyUid(getString(dataset, Tag.StudyInstanceUID));
    const series = seriesUid(getString(dataset, Tag.SeriesInstanceUID));
    const instance = sopUid(getString(dataset, Tag.SOPInstanceUID));
    let st = this.index.get(study);
    if (!st) this.index.set(study, (st = { series: new Map() }));
    let se = st.series.get(series);
    if (!se) st.series.set(series, (se = { instances: new Map() }));
    if (se.instances.has(instance)) return { kind: 'duplicate', study, series, instance };
    se.instances.set(instance, { file, size: bytes.byteLength, metadata: dataset });
    this.bytes += bytes.byteLength;
    return { kind: 'stored', study, series, instance };
  }

  private pathFor(study: string, series: string, instance: string): string {
    return path.join(this.instancesDir, study, series, `${instance}.dcm`);
  }

  async put(bytes: Uint8Array): Promise<PutOutcome> {
    const { dataset } = readPart10Header(bytes);
    const study = studyUid(getString(dataset, Tag.StudyInstanceUID));
    const series = seriesUid(getString(dataset, Tag.SeriesInstanceUID));
    const instance = sopUid(getString(dataset, Tag.SOPInstanceUID));
    if (this.index.get(study)?.series.get(series)?.instances.has(instance)) return { kind: 'duplicate', study, series, instance };
    const target = this.pathFor(study, series, instance);
    const tmp = path.join(this.tmpDir, `${randomBytes(8).toString('hex')}.part`);
    await writeSyncedFile(tmp, bytes);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(tmp, target);
    const outcome = this.addToIndex(target, bytes);
    this.emitChange();
    return outcome;
  }

  studies(): DicomJsonDataset[] {
    return studyDatasets(this.index);
  }

  hasStudy(study: StudyInstanceUid): boolean {
    return this.index.has(study);
  }

  series(study: StudyInstanceUid): DicomJsonDataset[] | undefined {
    return seriesDatasets(this.index.get(study));
  }

  instances(study: StudyInstanceUid, series?: SeriesInstanceUid): DicomJsonDataset[] | undefined {
    return instanceDatasets(this.index.get(study), series);
  }

  instanceMetadata(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): DicomJsonDataset | undefined {
    return this.index.get(study)?.series.get(series)?.instances.get(instance)?.metadata;
  }

  async readInstance(study: StudyInstanceUid, series: SeriesInstanceUid, instance: SopInstanceUid): Promise<Uint8Array | undefined> {
    const entry = this.index.get(study)?.series.get(series)?.instances.get(instance);
    if (!entry) return undefined;
    return fs.readFile(entry.file);
  }

  counts(): StoreCounts {
    let series = 0;
    let instances = 0;
    for (const st of this.index.values()) {
      series += st.series.size;
      for (const se of st.series.values()) instances += se.instances.size;
    }
    return { studies: this.index.size, series, instances, bytes: this.bytes };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitChange(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // A broken listener must not fail the write that already succeeded.
      }
    }
  }
}

