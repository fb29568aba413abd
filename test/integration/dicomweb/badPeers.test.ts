/**
 * Nodes that misbehave: HTTP 500, an HTML page, invalid JSON, a multipart answer cut short (ending cleanly
 * or with the connection dropped), a server that never answers, nothing listening. Each must give a
 * PacsError of the right kind whose message names the node, nothing may crash or leave an unhandled
 * rejection (vitest fails the run on those), and a good node asked in the same breath must be unaffected.
 */
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tag } from '../../../common/dicom/tags';
import { DicomwebPacsNode } from '../../../electron/services/pacs/dicomweb/dicomwebPacsNode';
import { PacsError, type PacsQuery } from '../../../electron/services/pacs/pacsNode';
import { MemorySecretStore } from '../../../electron/services/secrets/secretStore';
import { demoCtDir, dicomFilesIn, evenlySpaced } from '../../support/data';
import { readDicomFile, type DicomFileInfo } from '../../support/dicomFiles';
import { stringValue } from '../../support/dicomweb';
import { startOrthanc, type OrthancInstance } from '../../support/orthanc';
import {
  closedPort,
  htmlPage,
  http500,
  invalidJson,
  startSilentServer,
  startStubServer,
  truncatedRetrieve,
  type SilentServer,
  type StubServer,
} from '../../support/stubServers';
import { removeDir } from '../../support/tempDir';
import { nodeSettings, pacsErrorOf, storeUnderTest } from './helpers';

const STUDY_QUERY: PacsQuery = { level: 'STUDY', filters: {} };

describe('DICOMweb nodes that misbehave', () => {
  let good: OrthancInstance | undefined;
  let files: DicomFileInfo[] = [];
  let instances: Uint8Array[] = [];
  const stubs: StubServer[] = [];
  let silent: SilentServer | undefined;
  const nodes: DicomwebPacsNode[] = [];
  const dirs: string[] = [];
  let unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  const makeNode = (id: string, url: string, extra: Record<string, unknown> = {}) => {
    const node = new DicomwebPacsNode(nodeSettings({ id, name: `${id} PACS`, url, ...extra }), { secrets: new MemorySecretStore() });
    nodes.push(node);
    return node;
  };
  const stub = async (handler: Parameters<typeof startStubServer>[0]) => {
    const s = await startStubServer(handler);
    stubs.push(s);
    return s;
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    files = await Promise.all(evenlySpaced(dicomFilesIn(demoCtDir()), 4).map(readDicomFile));
    instances = await Promise.all(files.map(async (f) => new Uint8Array(await fs.readFile(f.path))));
    good = await startOrthanc({ name: 'GoodPACS' });
    for (const f of files) await good.upload(f.path);
    silent = await startSilentServer();
  }, 120_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    for (const n of nodes) await n.close();
    for (const s of stubs) await s.close();
    await silent?.close();
    await good?.stop();
    for (const d of dirs) await removeDir(d);
  }, 60_000);

  it('gives each bad node its own clear error while the good node answers, all at once', async () => {
    unhandled = [];
    const [s500, sHtml, sJson] = await Promise.all([stub(http500), stub(htmlPage), stub(invalidJson)]);
    const cases = [
      { node: makeNode('good', good!.dicomwebUrl, { timeoutMs: 30000 }) },
      { node: makeNode('error500', s500.url), kind: 'protocol', message: /^error500 PACS: the node failed with HTTP 500 Internal Server Error for the study query/ },
      { node: makeNode('html', sHtml.url), kind: 'protocol', message: /^html PACS: answered the study query with an HTML page/ },
      { node: makeNode('badjson', sJson.url), kind: 'protocol', message: /^badjson PACS: answered the study query with invalid JSON/ },
      { node: makeNode('hung', silent!.url, { timeoutMs: 1000 }), kind: 'timeout', message: /^hung PACS: no answer from 127\.0\.0\.1:\d+ within 1000 ms/ },
      { node: makeNode('down', `http://127.0.0.1:${await closedPort()}/dicom-web`), kind: 'unreachable', message: /^down PACS: cannot reach 127\.0\.0\.1:\d+ \(connection refused\)/ },
    ];
    const outcomes = await Promise.allSettled(cases.map((c) => c.node.find(STUDY_QUERY)));

    const goodOutcome = outcomes[0]!;
    expect(goodOutcome.status).toBe('fulfilled');
    const studies = (goodOutcome as PromiseFulfilledResult<Awaited<ReturnType<DicomwebPacsNode['find']>>>).value;
    expect(studies.map((s) => stringValue(s, Tag.StudyInstanceUID))).toEqual([files[0]!.study]);

    outcomes.slice(1).forEach((o, i) => {
      const c = cases[i + 1]!;
      expect(o.status, c.node.settings.id).toBe('rejected');
      const err = (o as PromiseRejectedResult).reason as PacsError;
      expect(err, c.node.settings.id).toBeInstanceOf(PacsError);
      expect(err.kind, c.node.settings.id).toBe(c.kind);
      expect(err.nodeId).toBe(c.node.settings.id);
      expect(err.message).toMatch(c.message!);
    });
    expect(silent!.connections()).toBeGreaterThan(0);
    // The bad answers broke nothing: the good node still answers, and so does each bad one, the same way.
    expect(await cases[0]!.node.echo()).toBeGreaterThanOrEqual(0);
    expect((await pacsErrorOf(cases[1]!.node.echo())).kind).toBe('protocol');
    expect(unhandled).toEqual([]);
  });

  it('reports errors of echo and retrieve the same way', async () => {
    const sHtml = await stub(htmlPage);
    const node = makeNode('htmlretrieve', sHtml.url);
    const echo = await pacsErrorOf(node.echo());
    expect(echo.kind).toBe('protocol');
    expect(echo.message).toMatch(/HTML page/);
    const target = await storeUnderTest(dirs);
    const retrieve = await pacsErrorOf(node.retrieve({ studyInstanceUid: files[0]!.study }, target.sink));
    expect(retrieve.kind).toBe('protocol');
    expect(retrieve.message).toMatch(/^htmlretrieve PACS: answered the retrieve of study .* with an HTML page/);
    expect(await target.storedFiles()).toEqual([]);
  });

  it.each(['end', 'drop'] as const)(
    'stores the complete instances of a truncated multipart answer (%s) and never the cut one',
    async (how) => {
      unhandled = [];
      const complete = 2;
      const s = await stub(truncatedRetrieve({ study: files[0]!.study, instances, complete, how }));
      const node = makeNode(`trunc-${how}`, s.url);
      const target = await storeUnderTest(dirs);
      const handed: number[] = [];
      const err = await pacsErrorOf(
        node.retrieve(
          { studyInstanceUid: files[0]!.study },
          async (bytes) => {
            handed.push(bytes.byteLength);
            await target.sink(bytes);
          },
          { onProgress: target.onProgress },
        ),
      );
      expect(err.kind).toBe('protocol');
      expect(err.message).toMatch(new RegExp(`^trunc-${how} PACS: the answer to the retrieve of study .* ended before its last instance was complete \\(truncated multipart\\); 2 instance\\(s\\) were stored`));
      // Exactly the complete parts reached the sink, each whole.
      expect(handed).toEqual(instances.slice(0, complete).map((b) => b.byteLength));
      const stored = await target.storedFiles();
      expect(stored.map((f) => f.sop).sort()).toEqual(files.slice(0, complete).map((f) => f.sop).sort());
      expect(await target.tempLeftovers()).toEqual([]);
      expect(target.progress[target.progress.length - 1]).toMatchObject({ completed: complete, failed: 0, total: instances.length });
      expect(unhandled).toEqual([]);
    },
  );

  it('hands each instance to the sink while the rest of the answer is still on its way', async () => {
    // The server sends the first part, then waits until the sink has it before sending the rest: a client
    // that buffered the whole body would never get there (and the test would time out).
    let firstStored!: () => void;
    const gate = new Promise<void>((resolve) => (firstStored = resolve));
    const boundary = 'gated-boundary';
    const part = (b: Uint8Array) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), b, Buffer.from('\r\n')]);
    const s = await stub((_req, res, path) => {
      if (path.startsWith('/studies?')) {
        res.writeHead(200, { 'content-type': 'application/dicom+json' });
        res.end(JSON.stringify([{ '00201208': { vr: 'IS', Value: [2] } }]));
        return;
      }
      res.writeHead(200, { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` });
      res.write(Buffer.concat([part(instances[0]!), Buffer.from(`--${boundary}`)]));
      void gate.then(() => res.end(Buffer.concat([Buffer.from('\r\nContent-Type: application/dicom\r\n\r\n'), instances[1]!, Buffer.from(`\r\n--${boundary}--\r\n`)])));
    });
    const node = makeNode('gated', s.url);
    const target = await storeUnderTest(dirs);
    let stored = 0;
    const result = await node.retrieve({ studyInstanceUid: files[0]!.study }, async (bytes) => {
      await target.sink(bytes);
      if (++stored === 1) firstStored();
    });
    expect(result).toMatchObject({ completed: 2, failed: 0, total: 2 });
    expect((await target.storedFiles()).map((f) => f.sop).sort()).toEqual(files.slice(0, 2).map((f) => f.sop).sort());
  });

  it('times out a retrieve whose answer never comes, and a node that stalls mid-body', async () => {
    const hung = makeNode('hungretrieve', silent!.url, { timeoutMs: 800 });
    const target = await storeUnderTest(dirs);
    const err = await pacsErrorOf(hung.retrieve({ studyInstanceUid: files[0]!.study, sopInstanceUids: [files[0]!.sop], seriesInstanceUid: files[0]!.series }, target.sink));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/^hungretrieve PACS: no answer from 127\.0\.0\.1:\d+ within 800 ms/);

    const s = await stub((_req, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=stall' });
      res.write(`--stall\r\nContent-Type: application/dicom\r\n\r\n`); // … and nothing more
    });
    const stalling = makeNode('stalling', s.url, { timeoutMs: 800 });
    const stall = await pacsErrorOf(stalling.retrieve({ studyInstanceUid: files[0]!.study, seriesInstanceUid: files[0]!.series, sopInstanceUids: [files[0]!.sop] }, target.sink));
    expect(stall.kind).toBe('timeout');
    expect(stall.message).toMatch(/^stalling PACS: the answer from 127\.0\.0\.1:\d+ stalled for more than 800 ms/);
    expect(await target.storedFiles()).toEqual([]);
  });
});
