/** The real services, as the CLI opens them, over one DICOMweb node: what the crash tests' child processes run. */
import { createServices } from '../../../electron/services/app/createServices';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';
import { EnvKeyProvider } from '../../../electron/services/archive/keyProvider';

export async function openCrashServices(dataDir: string, url: string) {
  return createServices({
    dataDir,
    settings: new MemorySettingsStore({ nodes: [{ id: 'offsite', name: 'Off-site archive', role: 'offsite', kind: 'dicomweb', url }] }),
    secrets: new MemorySecretStore(),
    // The child gets the test key as DOKUEI_ARCHIVE_KEY (testArchiveEnv).
    keyProvider: new EnvKeyProvider(),
    host: 'cli',
    version: 'test',
    dataPlaneBaseUrl: '',
    gatewayBasePath: '',
    seedDemo: false,
  });
}

/** Starts from nothing each time, so every run writes (a kill can land in the eviction or in the transfer). */
export async function evictIfPresent(services: Awaited<ReturnType<typeof openCrashServices>>, study: string): Promise<void> {
  const archive = services.store as unknown as { hasStudy(uid: string): boolean; evict(uid: string): Promise<unknown> };
  if (archive.hasStudy(study)) await archive.evict(study);
}
