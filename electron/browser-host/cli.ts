/**
 * `npm run start:browser`: runs the browser host and prints the URL to open in Chromium.
 * Options: --data-dir DIR (default: per-user data folder), --port N (default: ephemeral),
 * --upstream NAME=URL (repeatable; otherwise the nodes from settings),
 * --key-file FILE (the data folder's key file, kept outside it; created at a first start).
 * The data folder's key (see ../services/custody/custody.ts): --key-file, DOKUEI_ARCHIVE_KEY, DOKUEI_PASSPHRASE,
 * or a passphrase typed in the terminal (asked twice at a first start). Without any of them and no terminal,
 * the start stops with the "locked" message.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../services/dataDir';
import { ConfSettingsStore, MemorySettingsStore, type SettingsStore } from '../services/settings/settings';
import { startBrowserHost } from './server';
import { terminalKeySources } from '../services/custody/terminal';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      upstream: { type: 'string', multiple: true },
      'key-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: npm run start:browser -- [--data-dir DIR] [--port N] [--upstream NAME=URL]... [--key-file FILE]\nThe data folder key: --key-file FILE, DOKUEI_ARCHIVE_KEY, DOKUEI_PASSPHRASE, or a passphrase asked in the terminal.');
    return;
  }
  const dataDir = path.resolve(values['data-dir'] ?? (process.env.DOKUEI_DATA_DIR || defaultDataDir()));
  let settings: SettingsStore;
  if (values.upstream?.length) {
    const nodes = values.upstream.map((spec) => {
      const i = spec.indexOf('=');
      if (i <= 0) throw new Error(`--upstream expects NAME=URL, got "${spec}"`);
      return { name: spec.slice(0, i), kind: 'dicomweb', url: spec.slice(i + 1) };
    });
    settings = new MemorySettingsStore({ nodes });
  } else {
    settings = new ConfSettingsStore(dataDir);
  }
  const rendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/renderer');
  const host = await startBrowserHost({
    dataDir,
    settings,
    rendererDir,
    port: values.port ? Number(values.port) : 0,
    keySources: terminalKeySources({ dataDir, ...(values['key-file'] ? { keyFile: path.resolve(values['key-file']) } : {}) }),
    log: (m) => console.error(m),
  });
  console.log(`Dokuei browser host is running (data: ${dataDir}).`);
  console.log(`Open: ${host.url}`);
  const stop = () => {
    void host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`dokuei: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
