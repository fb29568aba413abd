/**
 * A study read through the gateway's data plane while the node it comes from (a real Orthanc, behind a fault
 * proxy) misbehaves: as the viewer reads it, series metadata, then the frame of every slice, then the series
 * as one stream. With faults on the upstream requests (reset, stall, 5xx, a multipart answer cut mid-part,
 * latency, a bandwidth cap) every answer is either whole (each frame byte-identical to the source) or an
 * error that says what failed; never a partial frame. Once the faults are gone every slice is served, and the
 * archive that stored what passed through verifies clean with every instance whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryOf, decodeMultipart, OCTET_STREAM_ACCEPT } from '../../../common/dicom/multipart';
import { streamedParts } from '../../support/dicomweb';
import type { FaultProxy, FaultRule } from '../../support/faultProxy';
import { FaultFigures, type FaultOutcome } from '../../support/hardeningFigures';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { checkArchive, openBed, sourceSet, startFaultProxy, WEB_NODE_NAME, within, type Bed } from './faultBed';

const BASE = 'http://127.0.0.1:1/dicomweb';
const source = sourceSet(12);
const sops = [...source.frames.keys()];
const SLICE = source.frames.get(sops[0]!)!.byteLength;
const figures = new FaultFigures();
const esc = (uid: string) => uid.replace(/\./g, '\\.');
/** The upstream requests that carry one instance's pixels: the whole instance (store-through) and its frames. */
const pixelsOf = (sop: string) => new RegExp(`^GET \\S*/instances/${esc(sop)}(/frames/1)? HTTP`);

type FrameAnswer = { kind: 'whole' } | { kind: 'error'; status: number; message: string } | { kind: 'incomplete'; why: string };

describe('reading a study through the gateway while the node misbehaves', () => {
  let orthanc: OrthancInstance;
  let proxy: FaultProxy;
  let bed: Bed;

  beforeAll(async () => {
    orthanc = await startOrthanc({ name: 'FaultPACS' });
    for (const f of source.files) await orthanc.upload(f);
    proxy = await startFaultProxy({ targetPort: orthanc.httpPort, mode: 'http', idleTimeoutMs: 20000 });
    bed = await openBed({ web: { proxy, path: '/dicom-web' } }, 2500);
  });

  afterAll(async () => {
    if (figures.cases.length) console.log(figures.line('faults (gateway read-through)'));
    await bed?.close();
    await proxy?.stop();
    await orthanc?.stop();
  });

  const get = (path: string, accept: string) =>
    within(30000, `GET ${path}`, bed.services.gateway(new Request(`${BASE}${path}`, { headers: { accept } })));

  /** The frame of one slice as the viewer asks for it, judged: whole, a clear error, or incomplete (a bug). */
  async function frame(sop: string): Promise<FrameAnswer> {
    const res = await get(`/studies/${source.study}/series/${source.series}/instances/${sop}/frames/1`, OCTET_STREAM_ACCEPT);
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) {
      const message = (JSON.parse(new TextDecoder().decode(body)) as { error?: string }).error ?? '';
      return { kind: 'error', status: res.status, message };
    }
    const boundary = boundaryOf(res.headers.get('content-type') ?? '');
    if (!boundary) return { kind: 'incomplete', why: `not multipart: ${res.headers.get('content-type')}` };
    let parts;
    try {
      parts = decodeMultipart(body, boundary);
    } catch (err) {
      return { kind: 'incomplete', why: `multipart cut: ${(err as Error).message}` };
    }
    if (parts.length !== 1) return { kind: 'incomplete', why: `${parts.length} parts` };
    if (!Buffer.from(parts[0]!.body).equals(Buffer.from(source.frames.get(sop)!))) return { kind: 'incomplete', why: `frame of ${parts[0]!.body.byteLength} bytes differs from the source's ${SLICE}` };
    return { kind: 'whole' };
  }

  /** Asks until every slice is served whole (the node comes back online after its back-off), within a bound. */
  async function everySliceServed(boundMs: number): Promise<Map<string, FrameAnswer>> {
    const deadline = Date.now() + boundMs;
    const last = new Map<string, FrameAnswer>();
    for (;;) {
      for (const sop of sops) if (last.get(sop)?.kind !== 'whole') last.set(sop, await frame(sop));
      if ([...last.values()].every((a) => a.kind === 'whole') || Date.now() > deadline) return last;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('every frame answered under faults is whole or a clear error, and every slice is served once they are gone', async () => {
    // One fault per slice for the first six slices, on every upstream request for its pixels, armed before the
    // series is opened: the series prefetch (store-through) meets them as well as the viewer's frame reads.
    const perSlice: [string, FaultRule['fault']][] = [
      ['frames: reset mid-answer', { kind: 'reset', afterBytes: Math.round(SLICE / 2) }],
      ['frames: multipart cut mid-part', { kind: 'truncate-body', afterBodyBytes: Math.round(SLICE / 3) }],
      ['frames: HTTP 500', { kind: 'http-status', status: 500 }],
      ['frames: stall', { kind: 'stall', afterBytes: Math.round(SLICE / 4) }],
      ['frames: latency 200 ms', { kind: 'latency', ms: 200 }],
      ['frames: bandwidth 2 MB/s', { kind: 'bandwidth', bytesPerSecond: 2_000_000 }],
    ];
    const faulted = perSlice.map(([name, fault], i) => ({ name, sop: sops[i]!, fault }));
    for (const f of faulted) proxy.inject({ fault: f.fault, match: pixelsOf(f.sop), times: Infinity });

    // As the viewer opens the series: its metadata first (one 503 on the way: the gateway says so, the next ask works).
    proxy.inject({ fault: { kind: 'http-status', status: 503 }, match: /\/metadata HTTP/ });
    const refused = await get(`/studies/${source.study}/series/${source.series}/metadata`, 'application/dicom+json');
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: string }).error).toContain(WEB_NODE_NAME);
    const metadata = await get(`/studies/${source.study}/series/${source.series}/metadata`, 'application/dicom+json');
    expect(metadata.status).toBe(200);
    expect((await metadata.json()) as unknown[]).toHaveLength(sops.length);
    figures.record({ fault: 'metadata HTTP 503', outcome: 'failed-then-resumed', corruptEntries: 0, lostInstances: 0, incompleteServed: 0 });

    // The viewer asks for every slice. A node that a fault put offline is skipped for a while (a clear error too);
    // the viewer asks again, so each faulted slice is asked until its own fault answers (bounded).
    const firstRound = new Map<string, FrameAnswer>();
    for (const sop of sops) {
      let answer = await frame(sop);
      for (let tries = 0; answer.kind === 'error' && /is offline/.test(answer.message) && tries < 6; tries++) {
        await new Promise((r) => setTimeout(r, 500));
        answer = await frame(sop);
      }
      firstRound.set(sop, answer);
    }
    const incomplete = [...firstRound].filter(([, a]) => a.kind === 'incomplete');
    const errors = [...firstRound].filter(([, a]) => a.kind === 'error') as [string, Extract<FrameAnswer, { kind: 'error' }>][];
    for (const [sop, e] of errors) {
      // Clear: a gateway status with a sentence naming the node, not a library's words.
      expect(e.status, sop).toBeGreaterThanOrEqual(500);
      expect(e.message, sop).toContain(WEB_NODE_NAME);
      expect(e.message, sop).not.toMatch(/undefined|\[object|TypeError/);
    }
    for (const f of faulted) console.log(`gateway, ${f.name}: ${JSON.stringify(firstRound.get(f.sop)).slice(0, 300)}`);
    expect(incomplete, 'a partial frame was served').toEqual([]);

    proxy.clear();
    proxy.dropConnections();
    await bed.services.gateway.storeThrough?.idle();
    const after = await everySliceServed(40000);
    const notServed = [...after].filter(([, a]) => a.kind !== 'whole');
    expect(notServed, 'slices not served once the faults were gone').toEqual([]);

    // The series as one stream (how the viewer loads the rest): every frame, each whole.
    const stream = await get(`/studies/${source.study}/series/${source.series}`, OCTET_STREAM_ACCEPT);
    expect(stream.status).toBe(200);
    const parts = await streamedParts(stream);
    expect(parts).toHaveLength(sops.length);
    for (const p of parts) {
      const sop = /instances\/([0-9.]+)\/frames\/1$/.exec(p.headers['content-location']!)![1]!;
      expect(Buffer.from(p.body).equals(Buffer.from(source.frames.get(sop)!)), sop).toBe(true);
    }

    await within(30000, 'store-through', bed.services.gateway.storeThrough?.idle() ?? Promise.resolve());
    const check = await checkArchive(bed.archive, source);
    expect(check.problems).toEqual([]);
    expect(check.notWhole).toEqual([]);
    expect(check.lost).toEqual([]);

    for (const f of faulted) {
      const first = firstRound.get(f.sop)!;
      const outcome: FaultOutcome = first.kind === 'whole' ? 'completed' : after.get(f.sop)?.kind === 'whole' ? 'failed-then-resumed' : 'unresolved';
      figures.record({ fault: f.name, outcome, corruptEntries: check.problems.length, lostInstances: after.get(f.sop)?.kind === 'whole' ? 0 : 1, incompleteServed: first.kind === 'incomplete' ? 1 : 0 });
    }
    // Every kind scripted took effect somewhere (store-through or the frame read).
    expect(Object.keys(proxy.stats().injected).sort()).toEqual(['bandwidth', 'http-status', 'latency', 'reset', 'stall', 'truncate-body']);
    expect(figures.ok()).toBe(true);
  });
});
