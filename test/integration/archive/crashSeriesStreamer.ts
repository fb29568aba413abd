/**
 * Child process of the crash-during-series-stream test: the real services (as the CLI opens them) stream one
 * series from a DICOMweb node through the gateway (Retrieve Series, bulk data), store-through writing each
 * instance into the archive as it streams. Evicts the study first, so every run writes. Prints "ready" once the
 * first frame has streamed, "done N" (frames) at the end.
 *   node --import tsx crashSeriesStreamer.ts DATA_DIR NODE_URL STUDY_UID SERIES_UID   (key from DOKUEI_ARCHIVE_KEY)
 */
import { MultipartStreamParser, multipartBoundary } from '../../../common/dicom/multipartStream';
import { OCTET_STREAM_ACCEPT } from '../../../electron/services/gateway/seriesRetrieve';
import { evictIfPresent, openCrashServices } from './crashServices';

const [dataDir, url, study, series] = process.argv.slice(2);
const services = await openCrashServices(dataDir!, url!);
await evictIfPresent(services, study!);
const res = await services.gateway(new Request(`http://127.0.0.1/studies/${study}/series/${series}`, { headers: { accept: OCTET_STREAM_ACCEPT } }));
if (res.status !== 200 || !res.body) throw new Error(`series stream answered ${res.status}: ${await res.text()}`);
const parser = new MultipartStreamParser(multipartBoundary(res.headers.get('content-type') ?? '')!);
let frames = 0;
const reader = res.body.getReader();
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  const before = frames;
  frames += parser.push(value).length;
  if (before === 0 && frames > 0) process.stdout.write('ready\n');
}
parser.end();
await services.gateway.storeThrough?.idle();
await services.close();
process.stdout.write(`done ${frames}\n`);
process.exit(0);
