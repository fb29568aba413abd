/**
 * Chromium for the bench (SwiftShader here, the real GPU with --gpu), the stock cornerstone3D baseline page
 * behind a plain pass-through proxy to Orthanc, and a Dokuei session (browser host + renderer).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../../test/support/chromium';
import { repoRoot } from '../../test/support/data';

export const SWIFTSHADER_FLAGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
/** For a machine with a real GPU (bench --gpu): ANGLE on Vulkan, GPU rasterization, no blocklist. */
export const GPU_FLAGS = ['--use-angle=vulkan', '--enable-gpu', '--enable-features=Vulkan', '--ignore-gpu-blocklist', '--enable-gpu-rasterization'];

export function chromiumFlags(gpu: boolean): string[] {
  return [
    '--headless=new',
    '--no-sandbox',
    ...(gpu ? GPU_FLAGS : SWIFTSHADER_FLAGS),
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ];
}

export function launchBenchChromium(gpu: boolean): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: chromiumFlags(gpu) });
}

export function chromiumVersion(): string | null {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export async function webglRenderer(page: Page): Promise<string> {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return 'no WebGL2';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  });
}

export const baselinePageDir = path.join(repoRoot, 'bench-results', '.baseline-page');

/** Builds the baseline page (bench/pages/baseline, Vite, a few seconds). */
export function buildBaselinePage(): string {
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'bench/pages/vite.config.ts'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  if (!existsSync(path.join(baselinePageDir, 'index.html'))) throw new Error('the baseline page did not build');
  return baselinePageDir;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/**
 * Serves the baseline page at / and passes /dicom-web/* through to Orthanc untouched (same origin, so no CORS
 * is needed — Orthanc sends no CORS headers). Request and response headers are forwarded as they are, so
 * Orthanc gzips what the browser allows, as it would for a browser talking to it directly.
 */
export async function startBaselineServer(pageDir: string, orthancBaseUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(orthancBaseUrl);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/dicom-web/')) {
      const headers = { ...req.headers, host: upstream.host };
      const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      });
      up.on('error', (err) => {
        res.writeHead(502);
        res.end(err.message);
      });
      req.pipe(up);
      return;
    }
    const rel = decodeURIComponent(url.split('?')[0]!).replace(/^\/+/, '') || 'index.html';
    const file = path.join(pageDir, path.normalize(rel));
    if (!file.startsWith(pageDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BaselineLoad {
  metadataMs: number;
  firstImageMs: number;
  fullVolumeMs: number;
  curve: [number, number][];
  slices: number;
  voxels: number;
  dimensions: number[];
  cacheBytes: number;
  dataType: string;
  textureBytesPerVoxel: number;
  textureFormat: string;
  webglRenderer: string;
}

/** Opens the baseline page in a fresh context (empty HTTP cache) and waits for the whole volume. */
export async function baselineLoad(browser: Browser, serverUrl: string, study: string, series: string, size = { w: 512, h: 512 }, timeoutMs = 240000): Promise<{ load: BaselineLoad; context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${serverUrl}/?study=${study}&series=${series}&w=${size.w}&h=${size.h}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const phase = await page.evaluate(() => (window as unknown as { __bench?: { phase: string; error?: string } }).__bench);
    if (phase?.phase === 'loaded') break;
    if (phase?.phase === 'error') throw new Error(`baseline page: ${phase.error}`);
    if (Date.now() > deadline) throw new Error(`baseline page did not load the volume in ${timeoutMs} ms (${phase?.phase}); page errors: ${errors.join('; ')}`);
    await page.waitForTimeout(100);
  }
  const load = await page.evaluate(() => {
    const { render: _render, phase: _phase, ...rest } = (window as unknown as { __bench: Record<string, unknown> }).__bench;
    return rest;
  });
  return { load: load as unknown as BaselineLoad, context, page };
}
