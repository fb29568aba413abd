/**
 * The app's services as the CLI opens them: the same data dir, archive, settings, secrets and PACS nodes as the
 * desktop app, without a data plane (the CLI serves nothing). Log lines go to stderr so `--json` stdout stays clean.
 * The keys come from the data folder's custody (cliKeys.ts).
 */
import { createServices, type Services } from '../services/app/createServices';
import { ConfSettingsStore } from '../services/settings/settings';
import { VERSION } from '../services/version';
import type { CliFolder } from './cliKeys';

export async function openCliServices(folder: CliFolder): Promise<Services> {
  const { folder: unlocked, secrets } = await folder.open();
  return createServices({
    dataDir: folder.dataDir,
    archiveDir: folder.archiveDir,
    settings: new ConfSettingsStore(folder.dataDir),
    secrets,
    keyProvider: unlocked.provider,
    host: 'cli',
    version: VERSION,
    dataPlaneBaseUrl: '',
    gatewayBasePath: '',
    seedDemo: false,
    // The services' log lines, in English like the app's log (for IT and support, not translated).
    log: (m) => process.stderr.write(`${m}\n`),
  });
}
