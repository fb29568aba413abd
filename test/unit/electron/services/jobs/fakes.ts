/**
 * In-process doubles for the jobs and prefetch unit tests: a PacsNode that holds a few studies (answers
 * C-FIND-like queries, streams opaque "instances" whose release the test controls) and a store that
 * records puts, states and pins. Protocols and the real archive are tested against real peers elsewhere.
 */
import type { DicomJsonDataset } from '../../../../../common/dicom/dicomJson';
import { PacsError, type PacsNode, type PacsQuery } from '../../../../../electron/services/pacs/pacsNode';
import { NodeSettings } from '../../../../../electron/services/settings/settings';
import type { InstanceStore, PutOutcome } from '../../../../../electron/services/store/instanceStore';

export interface FakeStudy {
  uid: string;
  patientId: string;
  date: string;
  instances: number;
}

export function studyDataset(s: FakeStudy): DicomJsonDataset {
  return {
    '0020000D': { vr: 'UI', Value: [s.uid] },
    '00100020': { vr: 'LO', Value: [s.patientId] },
    '00080020': { vr: 'DA', Value: [s.date] },
    '00080030': { vr: 'TM', Value: ['120000'] },
    '00201208': { vr: 'IS', Value: [s.instances] },
  };
}

/** A gate per study: the node waits on it before sending each instance after the first `free` ones. */
export class Gates {
  private readonly open = new Set<string>();
  private readonly waiters = new Map<string, (() => void)[]>();
  release(study: string): void {
    this.open.add(study);
    for (const w of this.waiters.get(study) ?? []) w();
    this.waiters.delete(study);
  }
  releaseAll(studies: readonly string[]): void {
    for (const s of studies) this.release(s);
  }
  wait(study: string, signal?: AbortSignal): Promise<void> {
    if (this.open.has(study)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(study) ?? [];
      list.push(resolve);
      this.waiters.set(study, list);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

export function fakeNode(id: string, studies: FakeStudy[], opts: { gates?: Gates; priority?: number; log?: string[] } = {}): PacsNode {
  const settings = NodeSettings.parse({ id, name: `${id} PACS`, priority: opts.priority ?? 10, kind: 'dicomweb', url: 'http://127.0.0.1:9/x' });
  return {
    settings,
    echo: async () => 1,
    async find(query: PacsQuery) {
      // Like a node that ignores some keys: the study key is honoured, PatientID too.
      return studies
        .filter((s) => !query.filters.StudyInstanceUID || s.uid === query.filters.StudyInstanceUID)
        .filter((s) => !query.filters.PatientID || s.patientId === query.filters.PatientID)
        .map(studyDataset);
    },
    async retrieve(request, sink, options) {
      const s = studies.find((x) => x.uid === request.studyInstanceUid);
      if (!s) throw new PacsError('not-found', id, 'not here');
      opts.log?.push(`start ${s.uid}`);
      let completed = 0;
      let bytes = 0;
      for (let i = 0; i < s.instances; i++) {
        if (i >= 1 && opts.gates) await opts.gates.wait(s.uid, options?.signal);
        if (options?.signal?.aborted) throw new PacsError('cancelled', id, 'Retrieve cancelled');
        await sink(new TextEncoder().encode(`${s.uid}|${i}`));
        completed++;
        bytes += 10;
        options?.onProgress?.({ completed, failed: 0, total: s.instances, bytes });
      }
      opts.log?.push(`end ${s.uid}`);
      return { completed, failed: 0, total: s.instances, bytes };
    },
  };
}

/** Records puts (with their options), states and pins; instances are "uid|n" strings. */
export class FakeStore {
  readonly root = '/nowhere';
  readonly puts: { key: string; sourceNode?: string }[] = [];
  readonly held = new Map<string, Set<string>>();
  readonly states = new Map<string, 'complete' | 'partial' | undefined>();
  readonly pins = new Set<string>();
  async put(bytes: Uint8Array, options?: { sourceNode?: string }): Promise<PutOutcome> {
    const key = new TextDecoder().decode(bytes);
    const [study = ''] = key.split('|');
    this.puts.push({ key, sourceNode: options?.sourceNode });
    const set = this.held.get(study) ?? new Set<string>();
    const kind = set.has(key) ? 'duplicate' : 'stored';
    set.add(key);
    this.held.set(study, set);
    return { kind, study, series: '1.2', instance: key } as unknown as PutOutcome;
  }
  async setStudyState(study: string, state: 'complete' | 'partial' | undefined): Promise<void> {
    this.states.set(study, state);
  }
  studyState(study: string): 'complete' | 'partial' | undefined {
    return this.states.get(study);
  }
  async pin(study: string): Promise<void> {
    this.pins.add(study);
  }
  studies(): DicomJsonDataset[] {
    return [];
  }
  hasStudy(study: string): boolean {
    return (this.held.get(study)?.size ?? 0) > 0;
  }
  series(): DicomJsonDataset[] | undefined {
    return undefined;
  }
  instances(study: string): DicomJsonDataset[] | undefined {
    const set = this.held.get(study);
    return set ? [...set].map(() => ({})) : undefined;
  }
  instanceMetadata(): DicomJsonDataset | undefined {
    return undefined;
  }
  async readInstance(): Promise<Uint8Array | undefined> {
    return undefined;
  }
  counts() {
    let instances = 0;
    for (const s of this.held.values()) instances += s.size;
    return { studies: this.held.size, series: this.held.size, instances, bytes: instances * 10 };
  }
  onChange(): () => void {
    return () => {};
  }
  asStore(): InstanceStore {
    return this as unknown as InstanceStore;
  }
}
