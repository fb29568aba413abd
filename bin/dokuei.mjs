#!/usr/bin/env node
// The installed `dokuei` command: the built CLI when present, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'cli', 'dokuei.mjs');
if (existsSync(built)) {
  const { run } = await import(pathToFileURL(built).href);
  process.exit(await run(process.argv.slice(2)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import(pathToFileURL(path.join(root, 'electron', 'cli', 'main.ts')).href);
  process.exit(await run(process.argv.slice(2)));
}
