/**
 * Builds the PACS nodes from settings: a DicomwebPacsNode or DimsePacsNode per configured node, and our
 * C-STORE SCP when a DIMSE node retrieves by C-MOVE. A failure to start the SCP (port taken) is a notice,
 * not a fatal error: search and C-GET still work, and C-MOVE says why it cannot.
 */
import { DicomwebUpstream } from './upstream';
import type { SecretStore } from '../secrets/secretStore';
import type { DicomwebNodeSettings, Settings } from '../settings/settings';
import { DicomwebPacsNode } from './dicomweb/dicomwebPacsNode';
import { FileHttpsMemory, MemoryHttpsMemory, type HttpsMemory } from './dicomweb/httpsMemory';
import { DimsePacsNode } from './dimse/dimsePacsNode';
import { dimsePeers } from './dimse/scpPeers';
import { StoreScp } from './dimse/storeScp';
import { scpAlertRecorder } from './dimse/scpAudit';
import type { PacsNode } from './pacsNode';
import type { AuditSink } from '../audit/auditSink';

export interface PacsNodeSet {
  nodes: PacsNode[];
  scp: StoreScp | undefined;
  notices: string[];
  /** The gateway's upstream for a DICOMweb node, sharing its HTTP client (auth, TLS, timeouts). */
  upstreamFor(node: PacsNode): DicomwebUpstream;
  close(): Promise<void>;
}

export interface PacsNodeDeps {
  secrets: SecretStore;
  log?: (m: string) => void;
  /**
   * The data folder: DICOMweb nodes used over https are noted in `<dataDir>/https-nodes.json` and refused if
   * their URL later becomes http://. Without it the note lasts only as long as this process (and says so in the log).
   */
  dataDir?: string;
  /** Instead of dataDir (tests). */
  httpsMemory?: HttpsMemory;
  /** The audit trail: security alerts of the nodes (credentials over http, refused sign-ins) and of our SCP. */
  audit?: AuditSink;
}

export async function createPacsNodes(settings: Settings, deps: PacsNodeDeps): Promise<PacsNodeSet> {
  const notices: string[] = [];
  let httpsMemory = deps.httpsMemory ?? (deps.dataDir ? new FileHttpsMemory(deps.dataDir) : undefined);
  if (!httpsMemory) {
    httpsMemory = new MemoryHttpsMemory();
    if (settings.nodes.some((n) => n.kind === 'dicomweb')) deps.log?.('No data folder given to the PACS nodes: nodes used over https are remembered until Dokuei stops only (no downgrade check across restarts).');
  }
  const needsScp = settings.localScp.enabled && settings.nodes.some((n) => n.kind === 'dimse' && n.enabled && n.retrieve === 'C-MOVE');
  let scp: StoreScp | undefined;
  if (needsScp) {
    const onSecurityAlert = scpAlertRecorder(deps.audit);
    const candidate = new StoreScp({ settings: settings.localScp, peers: () => dimsePeers(settings.nodes), log: deps.log, ...(onSecurityAlert ? { onSecurityAlert } : {}) });
    try {
      await candidate.start();
      scp = candidate;
    } catch (err) {
      notices.push(`C-MOVE retrieves are unavailable: ${(err as Error).message}. Check the local SCP settings (port, bind address, TLS files).`);
    }
  }
  const localScp = scp ? { aeTitle: scp.aeTitle, port: scp.port } : { aeTitle: settings.localScp.aeTitle, port: settings.localScp.port };
  const nodes: PacsNode[] = settings.nodes.map((s) =>
    s.kind === 'dicomweb' ? new DicomwebPacsNode(s, { secrets: deps.secrets, httpsMemory, log: deps.log, ...(deps.audit ? { audit: deps.audit } : {}) }) : new DimsePacsNode(s, { localScp, scp }),
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
