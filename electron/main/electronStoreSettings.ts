/**
 * SettingsStore for the Electron app, backed by electron-store (settings.json in userData). Every read is
 * validated with the shared schema, so a hand-edited or older file fails with a message naming the file
 * instead of surfacing as an odd error deep inside the services.
 * The store is passed in rather than created here: electron-store imports 'electron' at load time, and
 * keeping it out of this module lets the class be tested under plain Node.
 */
import { parseSettings, type Settings, type SettingsInput, type SettingsStore } from '../services/settings/settings';

/** The part of electron-store (a `conf` subclass) this class uses. */
export interface SettingsBackingStore {
  store: Record<string, unknown>;
  readonly path: string;
}

export class ElectronStoreSettings implements SettingsStore {
  constructor(private readonly backing: SettingsBackingStore) {}

  get path(): string {
    return this.backing.path;
  }

  get(): Settings {
    return parseSettings(this.backing.store, this.backing.path);
  }

  set(settings: SettingsInput): void {
    // Validate before writing: an invalid value must never reach disk and break the next start.
    this.backing.store = parseSettings(settings, 'the settings being saved') as unknown as Record<string, unknown>;
  }
}
