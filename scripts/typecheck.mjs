#!/usr/bin/env node
// `npm run typecheck`: every project of the solution tsconfig.json (one per environment), each on its own,
// so electron/main and electron/preload are checked against Electron's types and the renderer without Node's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const solution = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
let failed = 0;
for (const ref of solution.references) {
  const project = path.join(root, ref.path);
  const r = spawnSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', project], { stdio: 'inherit' });
  console.log(`typecheck ${ref.path}: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
