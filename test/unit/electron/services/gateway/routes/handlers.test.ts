/**
 * The gateway's route handlers called on their own, without the router: a context over a real encrypted
 * archive (three slices of the demo CT) and a routed call built by hand. QIDO pages a local listing and gives
 * instance-level attributes only; metadata is local while the series is complete, and once the bookkeeping
 * says the series is only partly here it asks the node first and falls back to the local part with a Warning
 * naming what is missing and why.
 */
import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { getString } from '../../../../../../common/dicom/dicomJson';
import type { DicomwebRoute } from '../../../../../../common/dicom/dicomwebPaths';
import { Tag } from '../../../../../../common/dicom/tags';
import { seriesUid, sopUid, studyUid } from '../../../../../../common/dicom/uid';
import type { EncryptedArchive } from '../../../../../../electron/services/archive/encryptedArchive';
import { createGatewayContext, type GatewayContext, type RouteCall } from '../../../../../../electron/services/gateway/context';
import { seriesOrInstanceMetadata } from '../../../../../../electron/services/gateway/routes/metadata';
import { qidoSeriesOrInstances, qidoStudies } from '../../../../../../electron/services/gateway/routes/qido';
import { DicomwebUpstream } from '../../../../../../electron/services/pacs/upstream';
import { importPaths } from '../../../../../../electron/services/store/importPaths';
import { demoCtDir, dicomFilesIn } from '../../../../../support/data';
import { invalidJson, startStubServer, type StubServer } from '../../../../../support/stubServers';
import { makeTempDir, removeDir } from '../../../../../support/tempDir';
import { openTestArchive } from '../../../../../support/testArchive';

const BASE = 'http://127.0.0.1:9/dicomweb';

/** A routed GET of `pathAndQuery` (below BASE), as the router would hand it to a handler. */
function call<R extends DicomwebRoute>(route: R, pathAndQuery: string): Omit<RouteCall, 'route'> & { route: R } {
  const url = new URL(`${BASE}${pathAndQuery}`);
  return { route, url, request: new Request(url), path: url.pathname.slice('/dicomweb'.length), pathAndQuery, ourBase: BASE };
}

describe('route handlers called directly', () => {
  let dir: string;
  let store: EncryptedArchive;
  let node: StubServer;
  const files = dicomFilesIn(demoCtDir()).slice(0, 3);
  const first = dicomParser.parseDicom(new Uint8Array(readFileSync(files[0]!)));
  const S = studyUid(first.string('x0020000d')!.trim());
  const SE = seriesUid(first.string('x0020000e')!.trim());
  const I = sopUid(first.string('x00080018')!.trim());

  beforeAll(async () => {
    dir = await makeTempDir();
    store = await openTestArchive(dir);
    expect(await importPaths(store, files)).toEqual({ imported: 3, skipped: 0, replaced: 0, conflicts: [], failed: [] });
    node = await startStubServer(invalidJson);
  });
  afterAll(async () => {
    await node?.close();
    await store?.close();
    await removeDir(dir);
  });

  describe('QIDO', () => {
    let ctx: GatewayContext;
    beforeAll(() => {
      ctx = createGatewayContext({ store, upstreams: [] });
    });

    it('lists the local study with no Warning when no node is configured', async () => {
      const res = await qidoStudies(ctx, call({ kind: 'qidoStudies' }, '/studies?PatientID=LIDC-IDRI-0314'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/dicom+json');
      expect(res.headers.get('warning')).toBeNull();
      const studies = (await res.json()) as DicomJsonDataset[];
      expect(studies.map((d) => getString(d, Tag.StudyInstanceUID))).toEqual([S]);
    });

    it('pages a local instance listing and gives instance-level attributes only', async () => {
      const all = (await (await qidoSeriesOrInstances(ctx, call({ kind: 'qidoSeriesInstances', study: S, series: SE }, `/studies/${S}/series/${SE}/instances`))).json()) as DicomJsonDataset[];
      expect(all).toHaveLength(3);
      for (const ds of all) {
        expect(getString(ds, Tag.SeriesInstanceUID)).toBe(SE);
        expect(ds[Tag.TransferSyntaxUID]).toBeUndefined(); // full metadata stays in the store
      }
      const res = await qidoSeriesOrInstances(ctx, call({ kind: 'qidoSeriesInstances', study: S, series: SE }, `/studies/${S}/series/${SE}/instances?offset=1&limit=5`));
      expect(((await res.json()) as DicomJsonDataset[]).map((d) => getString(d, Tag.SOPInstanceUID))).toEqual(all.slice(1).map((d) => getString(d, Tag.SOPInstanceUID)));
    });

    it('answers an empty list for a study neither here nor on a node', async () => {
      const other = studyUid('1.2.826.0.1.3680043.9.7777.404');
      const res = await qidoSeriesOrInstances(ctx, call({ kind: 'qidoSeries', study: other }, `/studies/${other}/series`));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    });
  });

  describe('metadata', () => {
    it('answers 404 naming the instance when it is neither here nor on a node', async () => {
      const ctx = createGatewayContext({ store, upstreams: [] });
      const missing = sopUid('1.2.826.0.1.3680043.9.7777.405');
      const res = await seriesOrInstanceMetadata(ctx, call({ kind: 'instanceMetadata', study: S, series: SE, instance: missing }, `/studies/${S}/series/${SE}/instances/${missing}/metadata`));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: `Instance ${missing} was not found locally or on any configured node` });
    });

    it('is local for a complete series, asks the node for a partial one and falls back to the local part with a Warning', async () => {
      const ctx = createGatewayContext({
        store,
        upstreams: [new DicomwebUpstream({ name: 'Off-site archive', baseUrl: node.url, timeoutMs: 2000 })],
        storeThrough: false,
      });
      const seriesMetadata = () => seriesOrInstanceMetadata(ctx, call({ kind: 'seriesMetadata', study: S, series: SE }, `/studies/${S}/series/${SE}/metadata`));

      const local = await seriesMetadata();
      expect(local.status).toBe(200);
      expect(local.headers.get('warning')).toBeNull();
      expect((await local.json()) as DicomJsonDataset[]).toHaveLength(3);
      expect(node.requests).toEqual([]);

      // Store-through wrote to the series, and a node listed one instance more than the archive holds.
      const absent = '1.2.826.0.1.3680043.9.7777.406';
      ctx.partial.stored({ study: S, series: SE, instance: I });
      ctx.partial.learnInstances(S, SE, [...(store.instances(S, SE) ?? []), { [Tag.SOPInstanceUID]: { vr: 'UI', Value: [absent] } }]);
      expect(ctx.partial.seriesPartial(S, SE)).toBe(true);

      const partial = await seriesMetadata();
      expect(node.requests).toEqual([`GET /dicom-web/studies/${S}/series/${SE}/metadata`]);
      expect(partial.status).toBe(200);
      expect(partial.headers.get('warning')).toBe(
        `299 dokuei "series ${SE}: 1 of 4 instances are not available (${absent})", 299 dokuei "Off-site archive sent a reply that is not JSON"`,
      );
      expect((await partial.json()) as DicomJsonDataset[]).toHaveLength(3);
    });
  });
});
