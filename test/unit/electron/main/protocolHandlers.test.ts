import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../../common/security/csp';
import { APP_CONTENT_SECURITY_POLICY } from '../../../../electron/main/csp';
import { createAppHandler, createDataPlaneHandler } from '../../../../electron/main/protocolHandlers';

describe('the app:// CSP', () => {
  it('is the shared policy with the dicomweb: data plane allowed for connect-src', () => {
    expect(APP_CONTENT_SECURITY_POLICY).toBe(contentSecurityPolicy({ connectSrc: ["'self'", 'dicomweb:'] }));
    expect(APP_CONTENT_SECURITY_POLICY).toContain("connect-src 'self' dicomweb:");
    expect(APP_CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
  });
});

describe('createAppHandler', () => {
  let dir: string;
  let rendererDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dokuei-app-'));
    rendererDir = path.join(dir, 'renderer');
    await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Dokuei</title>');
    await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(rendererDir, 'assets', 'codec.wasm'), new Uint8Array([0, 97, 115, 109]));
    await writeFile(path.join(dir, 'secret.txt'), 'patient list');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html with the CSP and nosniff', async () => {
    const res = await createAppHandler({ rendererDir })(new Request('app://dokuei/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Dokuei</title>');
  });

  it('puts the CSP on scripts too (workers take theirs from their own response)', async () => {
    const res = await createAppHandler({ rendererDir })(new Request('app://dokuei/assets/app.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
  });

  it('serves wasm as application/wasm (streaming compilation insists on it)', async () => {
    const res = await createAppHandler({ rendererDir })(new Request('app://dokuei/assets/codec.wasm'));
    expect(res.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
  });

  it('answers HEAD without a body', async () => {
    const res = await createAppHandler({ rendererDir })(new Request('app://dokuei/index.html', { method: 'HEAD' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('never reads outside the bundle', async () => {
    const read: string[] = [];
    const handler = createAppHandler({
      rendererDir,
      readFile: async (file) => {
        read.push(file);
        return new Uint8Array();
      },
    });
    const attempts = [
      'app://dokuei/../secret.txt',
      'app://dokuei/%2e%2e/secret.txt',
      'app://dokuei/assets/../../secret.txt',
      'app://dokuei/..%2fsecret.txt',
      'app://dokuei/assets%2f..%2f..%2fsecret.txt',
      'app://other/secret.txt',
    ];
    // Request (like Chromium) folds "/../" and "/%2e%2e/" into the path before a handler sees it, so
    // some of these arrive as app://dokuei/secret.txt: they may look inside the bundle, never above it.
    for (const url of attempts) await handler(new Request(url));
    expect(read.length).toBeGreaterThan(0);
    for (const file of read) expect(file.startsWith(rendererDir + path.sep), file).toBe(true);
    const real = createAppHandler({ rendererDir });
    for (const url of attempts) {
      const res = await real(new Request(url));
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('patient list');
    }
  });

  it('answers 404 for a missing file and 503 when the bundle is not built', async () => {
    expect((await createAppHandler({ rendererDir })(new Request('app://dokuei/nope.js'))).status).toBe(404);
    const res = await createAppHandler({ rendererDir: path.join(dir, 'missing') })(new Request('app://dokuei/'));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('build:renderer');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const res = await createAppHandler({ rendererDir })(new Request('app://dokuei/index.html', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
  });
});

describe('createDataPlaneHandler', () => {
  const seen: Request[] = [];
  const gateway = async (request: Request) => {
    seen.push(request);
    return new Response('{"ok":1}', { status: 200, headers: { 'Content-Type': 'application/dicom+json', Warning: '299 dokuei "node down"' } });
  };
  const handler = createDataPlaneHandler(gateway);

  it('passes dicomweb://local requests to the gateway and adds CORS for app://dokuei', async () => {
    seen.length = 0;
    const res = await handler(new Request('dicomweb://local/studies?PatientID=7', { headers: { Origin: 'app://dokuei' } }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"ok":1}');
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    expect(res.headers.get('access-control-allow-origin')).toBe('app://dokuei');
    expect(res.headers.get('access-control-expose-headers')).toContain('Warning');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(seen.map((r) => r.url)).toEqual(['dicomweb://local/studies?PatientID=7']);
  });

  it('accepts requests without an Origin (images, the main process)', async () => {
    seen.length = 0;
    const res = await handler(new Request('dicomweb://local/studies'));
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it.each(['https://evil.example', 'null', 'app://evil', 'dicomweb://local'])('refuses origin %s without touching the gateway', async (origin) => {
    seen.length = 0;
    const res = await handler(new Request('dicomweb://local/studies', { headers: { Origin: origin } }));
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(seen).toHaveLength(0);
  });

  it('refuses other dicomweb hosts', async () => {
    seen.length = 0;
    const res = await handler(new Request('dicomweb://elsewhere/studies'));
    expect(res.status).toBe(404);
    expect(seen).toHaveLength(0);
  });

  it('answers a CORS preflight from our origin itself', async () => {
    seen.length = 0;
    const res = await handler(
      new Request('dicomweb://local/studies/1/series/2/instances/3/frames/1', {
        method: 'OPTIONS',
        headers: { Origin: 'app://dokuei', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'accept' },
      }),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('app://dokuei');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('accept');
    expect(seen).toHaveLength(0);
  });

  it('can re-head a response whose headers are immutable (an upstream passthrough)', async () => {
    // fetch() responses carry the "immutable" headers guard; a data: URL gives one without a network.
    const upstream = await fetch('data:application/dicom+json,[]');
    expect(() => upstream.headers.set('x-probe', '1')).toThrow();
    const frozen = createDataPlaneHandler(async () => upstream);
    const res = await frozen(new Request('dicomweb://local/studies'));
    expect(res.headers.get('access-control-allow-origin')).toBe('app://dokuei');
    expect(await res.text()).toBe('[]');
  });
});
