#!/usr/bin/env node
// The installed `dokuei` command: the built CLI when present, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'cli', 'dokuei.mjs');
if (!existsSync(built)) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { runAsEntry } = await import(pathToFileURL(existsSync(built) ? built : path.join(root, 'electron', 'cli', 'main.ts')).href);
runAsEntry(process.argv.slice(2));
