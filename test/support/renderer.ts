/** Makes sure the renderer bundle exists before a browser test (building it once if needed). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './data';

/** DOKUEI_RENDERER_DIR lets parallel work each test its own build (e.g. `vite build --outDir /tmp/x`). */
export const rendererDir = process.env.DOKUEI_RENDERER_DIR ?? path.join(repoRoot, 'dist', 'renderer');

export function ensureRendererBuilt(): string {
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  return rendererDir;
}
