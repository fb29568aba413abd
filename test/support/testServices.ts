/** The app's services as a browser host builds them, for integration tests: in-memory settings and secrets, the test key. */
import { createServices, type Services, type ServicesOptions } from '../../electron/services/app/createServices';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { MemorySettingsStore, type SettingsInput } from '../../electron/services/settings/settings';
import { testKeyProvider } from './testArchive';

export function createTestServices(dataDir: string, settings: SettingsInput, more: Partial<ServicesOptions> = {}): Promise<Services> {
  return createServices({
    dataDir,
    settings: new MemorySettingsStore(settings),
    secrets: new MemorySecretStore(),
    keyProvider: testKeyProvider(),
    host: 'browser',
    version: 'test',
    dataPlaneBaseUrl: 'http://127.0.0.1:1/dicomweb',
    gatewayBasePath: '/dicomweb',
    ...more,
  });
}
