/**
 * Builds the PACS nodes from settings: a DicomwebPacsNode or DimsePacsNode per configured node, and our
 * C-STORE SCP when a DIMSE node retrieves by C-MOVE. A failure to start the SCP (port taken) is a notice,
 * not a fatal error: search and C-GET still work, and C-MOVE says why it cannot.
 */
import { DicomwebUpstream } from './upstream';
import type { SecretStore } from '../secrets/secretStore';
import type { DicomwebNodeSettings, Settings } from '../settings/settings';
import { DicomwebPacsNode } from './dicomweb/dicomwebPacsNode';
import { DimsePacsNode } from './dimse/dimsePacsNode';
import { dimsePeerAeTitles, StoreScp } from './dimse/storeScp';
import type { PacsNode } from './pacsNode';

export interface PacsNodeSet {
  nodes: PacsNode[];
  scp: StoreScp | undefined;
  notices: string[];
  /** The gateway's upstream for a DICOMweb node, sharing its HTTP client (auth, TLS, timeouts). */
  upstreamFor(node: PacsNode): DicomwebUpstream;
  close(): Promise<void>;
}

export async function createPacsNodes(settings: Settings, deps: { secrets: SecretStore; log?: (m: string) => void }): Promise<PacsNodeSet> {
  const notices: string[] = [];
  const needsScp = settings.localScp.enabled && settings.nodes.some((n) => n.kind === 'dimse' && n.enabled && n.retrieve === 'C-MOVE');
  let scp: StoreScp | undefined;
  if (needsScp) {
    const candidate = new StoreScp({ settings: settings.localScp, allowedCallingAeTitles: () => dimsePeerAeTitles(settings.nodes), log: deps.log });
    try {
      await candidate.start();
      scp = candidate;
    } catch (err) {
      notices.push(`C-MOVE retrieves are unavailable: ${(err as Error).message}. Change the local SCP port in the settings.`);
    }
  }
  const localScp = scp ? { aeTitle: scp.aeTitle, port: scp.port } : { aeTitle: settings.localScp.aeTitle, port: settings.localScp.port };
  const nodes: PacsNode[] = settings.nodes.map((s) =>
    s.kind === 'dicomweb' ? new DicomwebPacsNode(s, { secrets: deps.secrets }) : new DimsePacsNode(s, { localScp, scp }),
  );
  return {
    nodes,
    scp,
    notices,
    upstreamFor(node) {
      if (!(node instanceof DicomwebPacsNode)) throw new TypeError(`${node.settings.name} is not a DICOMweb node`);
      const s = node.settings as DicomwebNodeSettings;
      return new DicomwebUpstream({ name: s.name, baseUrl: node.http.baseUrl, timeoutMs: s.timeoutMs, fetcher: node.http });
    },
    async close() {
      await Promise.allSettled(nodes.map((n) => n.close?.()));
      await scp?.stop();
    },
  };
}
