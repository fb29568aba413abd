/**
 * The baseline page: stock cornerstone3D (core + dicom-image-loader from node_modules) with default
 * settings, built like the renderer (Vite, codecs in workers). Output under bench-results/.baseline-page/.
 */
import { defineConfig } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(here, 'baseline'),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: path.resolve(here, '../../bench-results/.baseline-page'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  worker: { format: 'es' },
});
