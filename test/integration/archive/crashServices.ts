/** The real services, as the CLI opens them, over one DICOMweb node: what the crash tests' child processes run. */
import { createServices } from '../../../electron/services/app/createServices';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { MemorySettingsStore } from '../../../electron/services/settings/settings';

export async function openCrashServices(dataDir: string, url: string) {
  return createServices({
    dataDir,
    settings: new MemorySettingsStore({ nodes: [{ id: 'offsite', name: 'Off-site archive', role: 'offsite', kind: 'dicomweb', url }] }),
    secrets: new MemorySecretStore(),
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
