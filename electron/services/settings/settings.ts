/**
 * User settings behind one interface with one schema. The Electron app backs it with electron-store
 * (in electron/main); the browser host, CLI and tests with `conf`, the library electron-store wraps
 * (electron-store itself imports 'electron' and cannot load in plain Node).
 * Secrets never live here: they get their own protected store in the PACS issue.
 */
import Conf from 'conf';
import { z } from 'zod';

export const DicomwebNodeSettings = z.object({
  name: z.string().min(1).max(64),
  kind: z.literal('dicomweb'),
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().min(100).max(600000).default(15000),
  enabled: z.boolean().default(true),
});
export type DicomwebNodeSettings = z.infer<typeof DicomwebNodeSettings>;

export const Settings = z.object({
  nodes: z.array(DicomwebNodeSettings).default([]),
  /** Import the bundled demo study into an empty store when no node is configured. */
  seedDemo: z.boolean().default(true),
});
export type Settings = z.infer<typeof Settings>;

export interface SettingsStore {
  get(): Settings;
  set(settings: Settings): void;
}

export class SettingsError extends Error {}

export function parseSettings(raw: unknown, where: string): Settings {
  const parsed = Settings.safeParse(raw ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SettingsError(`Settings in ${where} are invalid: ${detail}`);
  }
  return parsed.data;
}

export class ConfSettingsStore implements SettingsStore {
  private readonly conf: Conf<Record<string, unknown>>;

  /** @param cwd folder holding config.json; defaults to the per-user config folder for "dokuei". */
  constructor(cwd?: string) {
    this.conf = new Conf<Record<string, unknown>>({ projectName: 'dokuei', cwd, configName: 'settings' });
  }

  get(): Settings {
    return parseSettings(this.conf.store, this.conf.path);
  }

  set(settings: Settings): void {
    this.conf.store = Settings.parse(settings) as unknown as Record<string, unknown>;
  }
}

/** Settings that live only in memory (tests, one-off CLI runs with --upstream). */
export class MemorySettingsStore implements SettingsStore {
  private value: Settings;
  constructor(initial: unknown = {}) {
    this.value = parseSettings(initial, 'memory');
  }
  get(): Settings {
    return this.value;
  }
  set(settings: Settings): void {
    this.value = Settings.parse(settings);
  }
}
