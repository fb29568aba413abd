/**
 * Child process of the crash-during-retrieve test: the real services (as the CLI opens them) retrieve one
 * study from a DICOMweb node into the archive. Evicts the study first, so every run writes. Prints "ready" once the retrieve has started, "done N" at the end.
 *   node --import tsx crashRetriever.ts DATA_DIR NODE_URL STUDY_UID   (archive key from DOKUEI_ARCHIVE_KEY)
 */
import { createServices } from '../../../electron/services/app/createServices';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';

const [dataDir, url, study] = process.argv.slice(2);
const services = await createServices({
  dataDir: dataDir!,
  settings: new MemorySettingsStore({ nodes: [{ id: 'offsite', name: 'Off-site archive', role: 'offsite', kind: 'dicomweb', url }] }),
  secrets: new MemorySecretStore(),
  host: 'cli',
  version: 'test',
  dataPlaneBaseUrl: '',
  gatewayBasePath: '',
  seedDemo: false,
});
// Start from nothing each time, so every run writes (a kill can land in the eviction or in the retrieve).
const archive = services.store as unknown as { hasStudy(uid: string): boolean; evict(uid: string): Promise<unknown> };
if (archive.hasStudy(study!)) await archive.evict(study!);
const job = await services.jobs.start({ studyInstanceUid: study!, nodeId: 'offsite' });
process.stdout.write('ready\n');
const done = await services.jobs.wait(job.jobId);
await services.close();
process.stdout.write(`done ${done.state} ${done.completed}\n`);
process.exit(done.state === 'done' ? 0 : 1);
