/**
 * The test bed of the fault-injection tests: real peers (Orthanc over DICOMweb, dcmtk's dcmqrscp over DIMSE)
 * seeded with slices of the demo CT, each behind a fault proxy (test/support/faultProxy.ts), and Dokuei's own
 * services (createServices, as every host builds them) pointed at the proxies. Plus the checks every fault is
 * followed by: the archive verifies clean, every stored instance is byte-complete against the source files,
 * and none is missing once the final retrieve is done.
 */
import type { Services } from '../../../electron/services/app/createServices';
import type { EncryptedArchive } from '../../../electron/services/archive/encryptedArchive';
import { extractFrames } from '../../../electron/services/dicom/part10';
import type { SettingsInput } from '../../../electron/services/settings/settings';
import { demoCtDir, dicomFilesIn, evenlySpaced } from '../../support/data';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { freePort } from '../../support/freePort';
import { sourceSetOf, type SourceSet } from '../../support/sourceFrames';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { archivedInstances } from '../../support/testArchive';
import { createTestServices } from '../../support/testServices';

/** What the node names in messages: a failure must name it. */
export const WEB_NODE_NAME = 'Fault PACS';
export const DIMSE_NODE_NAME = 'Fault Q/R';
export const MOVE_NODE_NAME = 'Fault archive';

export type { SourceSet };

/** `count` slices spread over the demo CT (512² × 16 bit, ≈ 0.5 MB each). */
export function sourceSet(count: number): SourceSet {
  return sourceSetOf(evenlySpaced(dicomFilesIn(demoCtDir()), count));
}

export interface NodeEndpoints {
  /** Orthanc's DICOMweb root through its proxy. */
  web?: { proxy: FaultProxy; path: string };
  /** dcmqrscp through its proxy (C-GET). */
  dimse?: { proxy: FaultProxy; aet: string };
  /** A PACS retrieved from by C-MOVE (its instances come to our SCP on `scpPort`, e.g. through a proxy). */
  move?: { port: number; aet: string; scpPort: number };
}

export interface Bed {
  services: Services;
  archive: EncryptedArchive;
  close(): Promise<void>;
}

/**
 * Fresh services over an empty archive, with a DICOMweb node 'web' and/or a DIMSE C-GET node 'dimse' reached
 * through the proxies. Short timeouts, so that a stall fails within seconds instead of minutes.
 */
export async function openBed(nodes: NodeEndpoints, timeoutMs = 3000): Promise<Bed> {
  const dataDir = await makeTempDir('dokuei-faults-');
  const settings: SettingsInput = {
    localScp: { aeTitle: 'DOKUEI', port: nodes.move?.scpPort ?? (await freePort()) },
    nodes: [
      ...(nodes.web
        ? [{ id: 'web', name: WEB_NODE_NAME, role: 'onsite' as const, priority: 10, kind: 'dicomweb' as const, url: `${nodes.web.proxy.url}${nodes.web.path}`, connectTimeoutMs: 1000, timeoutMs }]
        : []),
      ...(nodes.dimse
        ? [
            {
              id: 'dimse',
              name: DIMSE_NODE_NAME,
              role: 'other' as const,
              priority: 20,
              kind: 'dimse' as const,
              host: '127.0.0.1',
              port: nodes.dimse.proxy.port,
              calledAeTitle: nodes.dimse.aet,
              retrieve: 'C-GET' as const,
              connectTimeoutMs: 1000,
              timeoutMs,
            },
          ]
        : []),
      ...(nodes.move
        ? [
            {
              id: 'move',
              name: MOVE_NODE_NAME,
              role: 'offsite' as const,
              priority: 30,
              kind: 'dimse' as const,
              host: '127.0.0.1',
              port: nodes.move.port,
              calledAeTitle: nodes.move.aet,
              retrieve: 'C-MOVE' as const,
              connectTimeoutMs: 1000,
              timeoutMs,
            },
          ]
        : []),
    ],
  };
  let services: Services;
  try {
    services = await createTestServices(dataDir, settings, { probeIntervalMs: 500 });
  } catch (err) {
    await removeDir(dataDir);
    throw err;
  }
  return {
    services,
    archive: services.store as unknown as EncryptedArchive,
    close: async () => {
      await services.close();
      await removeDir(dataDir);
    },
  };
}

export interface ArchiveCheck {
  /** Every problem `archive verify` reports (corrupt, missing, orphans, and whatever else it checks). */
  problems: string[];
  /** Stored instances whose pixel data differs from the source file's (cut, or not ours). */
  notWhole: string[];
  /** Source instances the archive does not hold. */
  lost: string[];
  stored: number;
}

/** What the archive holds, checked against the source: verify, byte-completeness, and what is missing. */
export async function checkArchive(archive: EncryptedArchive, source: SourceSet): Promise<ArchiveCheck> {
  const report = (await archive.verify()) as unknown as Record<string, unknown>;
  const problems: string[] = [];
  // Every list in the report is a kind of problem (corrupt, missing, orphans, incomplete, conflicts …).
  for (const [kind, list] of Object.entries(report)) if (Array.isArray(list)) for (const p of list) problems.push(`${kind}: ${JSON.stringify(p)}`);
  const notWhole: string[] = [];
  const held = new Set<string>();
  for (const inst of await archivedInstances(archive)) {
    held.add(inst.sop);
    const expected = source.frames.get(inst.sop);
    let frame: Uint8Array | undefined;
    try {
      frame = extractFrames(inst.bytes, [1]).frames[0];
    } catch {
      frame = undefined;
    }
    if (!expected || !frame || !Buffer.from(frame).equals(Buffer.from(expected))) notWhole.push(inst.sop);
  }
  const lost = [...source.frames.keys()].filter((sop) => !held.has(sop));
  return { problems, notWhole, lost, stored: held.size };
}

/** Rejects after ms with what was being waited for: a hang fails the test instead of blocking it. */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (a hang)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export { startFaultProxy };
