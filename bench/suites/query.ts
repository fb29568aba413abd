/**
 * Query: latency of one federated study search (the local archive plus every enabled node in parallel)
 * over three DICOMweb nodes of which one is down (its Orthanc stopped: connection refused), against the same
 * search with only one node configured. Wired by createServices, as every host wires it.
 */
import { randomBytes } from 'node:crypto';
import { EnvKeyProvider } from '../../electron/services/archive/keyProvider';
import { StudyQuery } from '../../common/dicom/studyQuery';
import { createServices, type Services } from '../../electron/services/app/createServices';
import { MemorySecretStore } from '../../electron/services/secrets/secretStore';
import { MemorySettingsStore, type SettingsInput } from '../../electron/services/settings/settings';
import { evenlySpaced } from '../../test/support/data';
import { startOrthanc, type OrthancInstance } from '../../test/support/orthanc';
import { makeTempDir, removeDir } from '../../test/support/tempDir';
import { benchCt } from '../lib/data';
import { histogram } from '../lib/plots';
import type { Suite } from '../lib/types';

const ctx0 = { windowId: 'bench', emit: () => {} };

export const querySuite: Suite = {
  name: 'query',
  title: 'Federated search latency: three nodes with one down vs one node',
  async run(ctx) {
    const ct = benchCt();
    const orthancs: OrthancInstance[] = [];
    const dirs: string[] = [];
    const services: Services[] = [];
    try {
      const [a, b, dead] = await Promise.all([startOrthanc({ name: 'OnsiteA' }), startOrthanc({ name: 'OnsiteB' }), startOrthanc({ name: 'Down' })]);
      orthancs.push(a, b, dead);
      const some = evenlySpaced(ct.files, 5);
      for (const f of some) await Promise.all([a.upload(f), b.upload(f), dead.upload(f)]);
      await dead.stop(); // down: nothing listens on its port any more
      const node = (id: string, o: OrthancInstance) => ({ id, name: id, role: 'onsite' as const, priority: 10, kind: 'dicomweb' as const, url: o.dicomwebUrl, connectTimeoutMs: 2000, timeoutMs: 5000 });
      const open = async (settings: SettingsInput) => {
        const dataDir = await makeTempDir('dokuei-bench-query-');
        dirs.push(dataDir);
        const s = await createServices({
          dataDir,
          settings: new MemorySettingsStore(settings),
          secrets: new MemorySecretStore(),
          // A fresh key per bench folder: the bench measures queries, not key custody.
          keyProvider: new EnvKeyProvider({ DOKUEI_ARCHIVE_KEY: randomBytes(32).toString('base64') }),
          host: 'browser',
          version: 'bench',
          dataPlaneBaseUrl: 'http://127.0.0.1:1/dicomweb',
          gatewayBasePath: '/dicomweb',
          log: () => {},
        });
        services.push(s);
        return s;
      };
      const three = await open({ nodes: [node('a', a), node('b', b), node('down', dead)], seedDemo: false });
      const one = await open({ nodes: [node('a', a)], seedDemo: false });
      const query = StudyQuery.parse({ patientId: 'LIDC*' });
      const search = async (s: Services) => {
        const t0 = performance.now();
        const r = await s.handlers.studies.search(query, ctx0);
        const ms = performance.now() - t0;
        if (!r.studies.some((x) => x.patientId === 'LIDC-IDRI-0314')) throw new Error(`the search found no study: ${JSON.stringify(r.nodes)}`);
        return { ms, nodes: r.nodes };
      };
      const n = ctx.options.runs * 3; // searches are cheap: more samples for a steadier median
      const threeMs: number[] = [];
      const oneMs: number[] = [];
      let lastNodes = '';
      for (let i = -ctx.options.warmups; i < n; i++) {
        const x = await search(three);
        const y = await search(one);
        lastNodes = x.nodes.map((nd) => `${nd.nodeId} ${nd.state}${nd.error ? ` (${nd.error})` : ''}`).join('; ');
        if (i >= 0) {
          threeMs.push(x.ms);
          oneMs.push(y.ms);
        }
      }
      ctx.record('query.threeNodesOneDownMs', 'ms', threeMs, oneMs, { better: 'lower', baselineIs: 'same search, one node' });
      ctx.note(`Query \`patientId=LIDC*\` over Orthanc DICOMweb nodes on loopback (${some.length} instances each); the down node is a stopped Orthanc (connection refused). ${n} searches per side, interleaved.`);
      ctx.note(`Node outcomes of the last search: ${lastNodes}.`);
      ctx.plot(histogram('Search latency', [{ label: 'three nodes, one down', samples: threeMs }, { label: 'one node (baseline)', samples: oneMs }], 'ms', 8));
    } finally {
      for (const s of services) await s.close().catch(() => undefined);
      for (const o of orthancs) await o.stop().catch(() => undefined);
      for (const d of dirs) await removeDir(d);
    }
  },
};
