/**
 * Child process of the crash-during-retrieve test: the real services (as the CLI opens them) retrieve one
 * study from a DICOMweb node into the archive. Evicts the study first, so every run writes. Prints "ready" once the retrieve has started, "done N" at the end.
 *   node --import tsx crashRetriever.ts DATA_DIR NODE_URL STUDY_UID   (archive key from DOKUEI_ARCHIVE_KEY)
 */
import { evictIfPresent, openCrashServices } from './crashServices';

const [dataDir, url, study] = process.argv.slice(2);
const services = await openCrashServices(dataDir!, url!);
await evictIfPresent(services, study!);
const job = await services.jobs.start({ studyInstanceUid: study!, nodeId: 'offsite' });
process.stdout.write('ready\n');
const done = await services.jobs.wait(job.jobId);
await services.close();
process.stdout.write(`done ${done.state} ${done.completed}\n`);
process.exit(done.state === 'done' ? 0 : 1);
