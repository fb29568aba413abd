/**
 * Reads from the upstream DICOMweb nodes, with failover: DICOM JSON (listings, metadata) made safe to hand
 * to the renderer, and bytes (frames, instances, rendered images) passed on as one node sent them.
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { fetchWithFailover } from '../pacs/failover';
import type { NodeHealth } from '../pacs/nodeHealth';
import type { DicomwebUpstream } from '../pacs/upstream';
import { DICOM_JSON, problem } from './answers';

/** The nodes asked, in order, and their shared health. */
export interface UpstreamNodes {
  readonly upstreams: readonly DicomwebUpstream[];
  readonly health: NodeHealth;
}

export type UpstreamJson = { kind: 'ok'; items: DicomJsonDataset[]; node: DicomwebUpstream } | { kind: 'miss'; failures: string[] };

/** Upstream URLs never reach the renderer: RetrieveURLs are dropped and BulkDataURIs point back at us. */
export function sanitizeUpstreamDataset(ds: DicomJsonDataset, upstreamBase: string, ourBase: string): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const [tag, el] of Object.entries(ds)) {
    if (tag === Tag.RetrieveURL || !el || typeof el !== 'object') continue;
    if (el.BulkDataURI && el.BulkDataURI.startsWith(upstreamBase)) {
      out[tag] = { ...el, BulkDataURI: ourBase + el.BulkDataURI.slice(upstreamBase.length) };
    } else if (el.vr === 'SQ' && el.Value) {
      out[tag] = { ...el, Value: el.Value.map((item) => sanitizeUpstreamDataset(item as DicomJsonDataset, upstreamBase, ourBase)) };
    } else {
      out[tag] = el;
    }
  }
  return out;
}

/** A node's JSON answer; an empty body is an empty list. Throws when it is not JSON. */
export function parseJsonBody(body: Uint8Array): unknown {
  const text = new TextDecoder().decode(body);
  return text.trim() === '' ? [] : JSON.parse(text);
}

/** The first node's non-empty DICOM JSON array for `pathAndQuery`, sanitized; a miss says why each node failed. */
export async function upstreamJson(nodes: UpstreamNodes, pathAndQuery: string, ourBase: string): Promise<UpstreamJson> {
  const failures: string[] = [];
  // A node that answers an empty list or JSON we cannot use is passed over for the next one.
  let remaining = [...nodes.upstreams];
  while (remaining.length) {
    const outcome = await fetchWithFailover(remaining, nodes.health, pathAndQuery, DICOM_JSON, { deadline: true });
    if (outcome.kind === 'miss') {
      failures.push(...outcome.failures);
      break;
    }
    const { node, body } = outcome.answer;
    remaining = remaining.slice(remaining.indexOf(node) + 1);
    let items: unknown;
    try {
      items = parseJsonBody(body);
    } catch {
      failures.push(`${node.name} sent a reply that is not JSON`);
      continue;
    }
    if (!Array.isArray(items)) {
      failures.push(`${node.name} sent JSON that is not a DICOM JSON array`);
      continue;
    }
    if (items.length === 0) continue;
    return { kind: 'ok', node, items: (items as DicomJsonDataset[]).map((d) => sanitizeUpstreamDataset(d, node.baseUrl, ourBase)) };
  }
  return { kind: 'miss', failures };
}

/**
 * Frames, instances, rendered images from the nodes, with failover. The answer is one node's complete
 * answer, byte for byte (never re-encoded); each attempt at a node is bounded by its timeout.
 */
export async function upstreamBytes(
  nodes: UpstreamNodes,
  pathAndQuery: string,
  accept: string,
  what: string,
  deadline = true,
): Promise<{ response: Response; node?: DicomwebUpstream }> {
  const outcome = await fetchWithFailover(nodes.upstreams, nodes.health, pathAndQuery, accept, { deadline });
  if (outcome.kind === 'ok') {
    const { answer } = outcome;
    const headers: Record<string, string> = { 'content-length': String(answer.body.byteLength) };
    if (answer.contentType) headers['content-type'] = answer.contentType;
    return { response: new Response(answer.body as Uint8Array<ArrayBuffer>, { status: answer.status, headers }), node: answer.node };
  }
  if (outcome.failures.length) return { response: problem(502, `${what} is not available locally and no node could provide it: ${outcome.failures.join('; ')}`) };
  return { response: problem(404, 'Not found locally or on any configured node') };
}
