/**
 * Retrieves through a faulty network: a study retrieved from a real Orthanc (WADO-RS) and a real dcmqrscp
 * (C-GET) through a fault proxy that resets, stalls, delays, throttles, answers 5xx, cuts the multipart answer
 * mid-part, or aborts the association. For every fault the retrieve either completes, or fails with a message
 * that names the node and says what happened, and a later retrieve (the fault gone) completes. After each:
 * `archive verify` finds nothing, every stored instance is byte-complete against the source files (no partial
 * instance is ever stored as complete), and after the final retrieve no instance is missing.
 */
import type { RetrieveJob } from '../../../common/dicom/retrieveJob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDcmqrscp, type DcmqrscpInstance } from '../../support/dcmqrscp';
import type { Fault, FaultProxy, FaultRule } from '../../support/faultProxy';
import { FaultFigures, type FaultOutcome } from '../../support/hardeningFigures';
import { freePort } from '../../support/freePort';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import { checkArchive, DIMSE_NODE_NAME, MOVE_NODE_NAME, openBed, sourceSet, startFaultProxy, WEB_NODE_NAME, within, type Bed } from './faultBed';

const source = sourceSet(12);
const SLICE = source.frames.values().next().value!.byteLength; // ≈ 512 KiB: offsets below land mid-instance
const ctx = { windowId: 'test', emit: () => {} };
const figures = new FaultFigures();
/** The WADO-RS retrieve of the whole study (not the QIDO count before it). */
const STUDY_RETRIEVE = new RegExp(`^GET \\S*/studies/${source.study.replace(/\./g, '\\.')} HTTP`);

describe('retrieves under injected network faults', () => {
  let orthanc: OrthancInstance;
  let dcmqr: DcmqrscpInstance;
  let webProxy: FaultProxy;
  let dimseProxy: FaultProxy;
  /** Between Orthanc's C-STORE sub-associations (a C-MOVE's instances) and our SCP. */
  let scpProxy: FaultProxy;
  let scpPort: number;

  beforeAll(async () => {
    scpPort = await freePort();
    scpProxy = await startFaultProxy({ targetPort: scpPort, idleTimeoutMs: 20000 });
    orthanc = await startOrthanc({ name: 'FaultPACS', modalities: { DOKUEI: ['DOKUEI', '127.0.0.1', scpProxy.port] } });
    for (const f of source.files) await orthanc.upload(f);
    dcmqr = await startDcmqrscp({ aet: 'DCMQR' });
    await dcmqr.store(source.files);
    webProxy = await startFaultProxy({ targetPort: orthanc.httpPort, mode: 'http', idleTimeoutMs: 20000 });
    dimseProxy = await startFaultProxy({ targetPort: dcmqr.port, idleTimeoutMs: 20000 });
  });

  afterAll(async () => {
    // The figures of this run, one line (gathered by `npm run test:hardening`).
    if (figures.cases.length) console.log(figures.line());
    await webProxy?.stop();
    await dimseProxy?.stop();
    await scpProxy?.stop();
    await orthanc?.stop();
    await dcmqr?.stop();
  });

  type NodeId = 'web' | 'dimse' | 'move';

  async function retrieve(bed: Bed, nodeId: NodeId): Promise<RetrieveJob> {
    const job = await bed.services.handlers.retrieve.start({ studyInstanceUid: source.study, nodeId }, ctx);
    return within(30000, `the retrieve from ${nodeId}`, bed.services.jobs.wait(job.jobId));
  }

  /**
   * One fault, one fresh archive: retrieve with the fault armed; then, the fault gone, retrieve again if the first
   * did not complete. Checks the archive after each attempt and records the case.
   */
  async function faultCase(name: string, nodeId: NodeId, rules: FaultRule[], expectFailure: RegExp | 'complete' | 'either'): Promise<void> {
    const proxy = { web: webProxy, dimse: dimseProxy, move: scpProxy }[nodeId];
    const nodeName = { web: WEB_NODE_NAME, dimse: DIMSE_NODE_NAME, move: MOVE_NODE_NAME }[nodeId];
    const bed = await openBed(
      nodeId === 'web'
        ? { web: { proxy, path: '/dicom-web' } }
        : nodeId === 'dimse'
          ? { dimse: { proxy, aet: dcmqr.aet } }
          : { move: { port: orthanc.dicomPort, aet: orthanc.aet, scpPort } },
    );
    let outcome: FaultOutcome = 'unresolved';
    let corrupt = 0;
    let incomplete = 0;
    let lost = source.frames.size;
    try {
      const injectedBefore = proxy.injectedTotal();
      proxy.inject(...rules);
      const first = await retrieve(bed, nodeId);
      proxy.clear();
      console.log(`fault "${name}": first attempt ${first.state}, ${first.completed} stored${first.error ? `: ${first.error}` : ''}`);
      // A fault that did not take effect tests nothing.
      expect(proxy.injectedTotal(), `${name}: the fault was not injected`).toBeGreaterThan(injectedBefore);
      const afterFirst = await checkArchive(bed.archive, source);
      corrupt += afterFirst.problems.length;
      incomplete += afterFirst.notWhole.length;
      expect(afterFirst.problems, name).toEqual([]);
      expect(afterFirst.notWhole, name).toEqual([]);
      const completed = first.state === 'done' && first.failed === 0 && afterFirst.lost.length === 0;
      if (completed) {
        expect(expectFailure === 'complete' || expectFailure === 'either', `${name}: completed, where a failure was expected`).toBe(true);
        outcome = 'completed';
        lost = 0;
        return;
      }
      expect(expectFailure, `${name}: did not complete (${first.state}: ${first.error})`).not.toBe('complete');
      // A clear message: it names the node and says what happened, not a library's words.
      expect(first.error ?? '', name).toContain(nodeName);
      if (expectFailure instanceof RegExp) expect(first.error ?? '', name).toMatch(expectFailure);
      expect(first.error ?? '', name).not.toMatch(/undefined|\[object|TypeError|ReferenceError/);
      // Stored so far: exactly the instances the job counts as completed, each whole (checked above).
      expect(afterFirst.stored, name).toBe(first.completed);

      proxy.dropConnections(); // a pooled connection must not carry anything of the fault into the next attempt
      const second = await retrieve(bed, nodeId);
      const afterSecond = await checkArchive(bed.archive, source);
      corrupt += afterSecond.problems.length;
      incomplete += afterSecond.notWhole.length;
      lost = afterSecond.lost.length;
      expect(second, name).toMatchObject({ state: 'done', failed: 0 });
      expect(afterSecond.problems, name).toEqual([]);
      expect(afterSecond.notWhole, name).toEqual([]);
      expect(afterSecond.lost, name).toEqual([]);
      outcome = 'failed-then-resumed';
    } finally {
      proxy.clear();
      figures.record({ fault: name, outcome, corruptEntries: corrupt, lostInstances: lost, incompleteServed: incomplete });
      await bed.close();
    }
  }

  const at = (fault: Fault, match = STUDY_RETRIEVE): FaultRule => ({ fault, match });

  describe('WADO-RS from Orthanc', () => {
    it('a reset in the middle of the transfer: fails clearly, the next retrieve completes', async () => {
      await faultCase('WADO-RS reset mid-transfer', 'web', [at({ kind: 'reset', afterBytes: Math.round(4.5 * SLICE) })], /connection|cut|reset|broke/i);
    });

    it('a stall in the middle of the transfer: fails after the node timeout (no hang), the next retrieve completes', async () => {
      await faultCase('WADO-RS stall', 'web', [at({ kind: 'stall', afterBytes: Math.round(3.5 * SLICE) })], /timeout|time|answer/i);
    });

    it('a stall shorter than the node timeout: the retrieve completes', async () => {
      await faultCase('WADO-RS short stall', 'web', [at({ kind: 'stall', afterBytes: Math.round(2.5 * SLICE), forMs: 800 })], 'complete');
    });

    it('added latency: the retrieve completes', async () => {
      await faultCase('WADO-RS latency 150 ms', 'web', [{ fault: { kind: 'latency', ms: 150 }, times: Infinity }], 'complete');
    });

    it('a bandwidth cap: the retrieve completes, slower', async () => {
      await faultCase('WADO-RS bandwidth 3 MB/s', 'web', [at({ kind: 'bandwidth', bytesPerSecond: 3_000_000 })], 'complete');
    });

    it('HTTP 503 instead of the answer: fails clearly, the next retrieve completes', async () => {
      await faultCase('WADO-RS HTTP 503', 'web', [at({ kind: 'http-status', status: 503 })], /503/);
    });

    it('a multipart answer cut mid-part (well-formed HTTP): fails clearly, nothing partial stored, the next retrieve completes', async () => {
      await faultCase('WADO-RS truncated multipart', 'web', [at({ kind: 'truncate-body', afterBodyBytes: Math.round(5.5 * SLICE) })], /cut|truncat|incomplete|ended/i);
    });
  });

  describe('C-GET from dcmqrscp', () => {
    it('a reset in the middle of the transfer: fails clearly, the next retrieve completes', async () => {
      await faultCase('C-GET reset mid-transfer', 'dimse', [{ fault: { kind: 'reset', afterBytes: Math.round(4.5 * SLICE) } }], /connection|reset|dropped/i);
    });

    it('a stall in the middle of the transfer: fails after the node timeout (no hang), the next retrieve completes', async () => {
      await faultCase('C-GET stall', 'dimse', [{ fault: { kind: 'stall', afterBytes: Math.round(3.5 * SLICE) } }], /sent nothing|timeout|stopped answering/i);
    });

    it('an A-ABORT in the middle of the transfer: fails clearly, the next retrieve completes', async () => {
      await faultCase('C-GET A-ABORT mid-transfer', 'dimse', [{ fault: { kind: 'dimse-abort', afterBytes: Math.round(5.5 * SLICE) } }], /abort/i);
    });

    it('added latency and a bandwidth cap: the retrieve completes', async () => {
      await faultCase(
        'C-GET latency 50 ms + bandwidth 3 MB/s',
        'dimse',
        [{ fault: { kind: 'latency', ms: 50 } }, { fault: { kind: 'bandwidth', bytesPerSecond: 3_000_000 } }],
        'complete',
      );
    });
  });

  describe('C-MOVE from Orthanc (its instances to our SCP)', () => {
    it('a reset of the sub-association that brings the instances: fails or stores less, clearly; the next retrieve completes', async () => {
      await faultCase('C-MOVE sub-association reset mid-instance', 'move', [{ fault: { kind: 'reset', afterBytes: Math.round(4.5 * SLICE), direction: 'up' } }], /fail|could not|connection|instance/i);
    });

    it('a stall of the sub-association: fails after the node timeout (no hang), the next retrieve completes', async () => {
      await faultCase('C-MOVE sub-association stall', 'move', [{ fault: { kind: 'stall', afterBytes: Math.round(3.5 * SLICE), direction: 'up' } }], /.+/);
    });
  });

  it('every figure is as it must be: 0 corrupt, 0 lost, 0 incomplete, nothing unresolved', () => {
    expect(figures.cases.length).toBeGreaterThan(0);
    expect(figures.summary()).toMatchObject({ corruptEntries: 0, lostInstances: 0, incompleteServed: 0 });
    expect(figures.summary().outcomes.unresolved ?? 0).toBe(0);
  });
});
