/**
 * The app's services as the CLI opens them: the same data dir, archive, settings, secrets and PACS nodes as the
 * desktop app, without a data plane (the CLI serves nothing). Log lines go to stderr so `--json` stdout stays clean.
 */
import { createServices, type Services } from '../services/app/createServices';
import { FileSecretStore } from '../services/secrets/secretStore';
import { ConfSettingsStore } from '../services/settings/settings';
import { VERSION } from '../services/version';

export async function openCliServices(dataDir: string, archiveDir: string): Promise<Services> {
  return createServices({
    dataDir,
    archiveDir,
    settings: new ConfSettingsStore(dataDir),
    secrets: FileSecretStore.open(dataDir),
    host: 'cli',
    version: VERSION,
    dataPlaneBaseUrl: '',
    gatewayBasePath: '',
    seedDemo: false,
    log: (m) => process.stderr.write(`${m}\n`),
  });
}
