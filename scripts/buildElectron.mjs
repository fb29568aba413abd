// Bundles the Electron main process and the preload with esbuild.
//   dist/electron/main.mjs     ESM (electron-store and conf are ESM-only); every dependency bundled in, so
//                              the packaged app needs no node_modules. Only 'electron' stays external.
//   dist/electron/preload.cjs  one CommonJS file: a sandboxed preload cannot require() our own modules,
//                              only 'electron' (and a few built-ins), so everything else must be inlined.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist/electron');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['electron'],
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

await build({
  ...common,
  entryPoints: [path.join(root, 'electron/main/main.ts')],
  outfile: path.join(outDir, 'main.mjs'),
  format: 'esm',
  // CommonJS dependencies inlined into an ES module still call require() for Node built-ins;
  // give them a real one instead of esbuild's "Dynamic require is not supported" stub.
  banner: {
    js: "import { createRequire as __dokueiCreateRequire } from 'node:module'; const require = __dokueiCreateRequire(import.meta.url);",
  },
});

await build({
  ...common,
  entryPoints: [path.join(root, 'electron/preload/preload.ts')],
  outfile: path.join(outDir, 'preload.cjs'),
  format: 'cjs',
  // The preload has no Node: source maps would point at files it cannot read anyway.
  sourcemap: false,
});

// Fail the build, not the app launch, if anything but 'electron' would be required at run time in the
// sandbox (a stray import of a Node module in common/ipc, say).
const preload = await readFile(path.join(outDir, 'preload.cjs'), 'utf8');
const required = [...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
const unexpected = required.filter((name) => name !== 'electron');
if (unexpected.length > 0) {
  console.error(`preload.cjs requires modules a sandboxed preload cannot load: ${[...new Set(unexpected)].join(', ')}`);
  process.exit(1);
}

console.log(`Built ${path.relative(root, path.join(outDir, 'main.mjs'))} and ${path.relative(root, path.join(outDir, 'preload.cjs'))}`);
