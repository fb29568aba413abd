/**
 * The DICOMweb gateway: a web-standard (Request) => Promise<Response> over the local store, falling
 * through to upstream DICOMweb nodes on a miss. Electron binds it to the dicomweb:// scheme; the browser
 * host puts it behind a token-protected 127.0.0.1 server. It implements the subset cornerstone3D uses.
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { parseDicomwebPath, type DicomwebRoute } from '../../../common/dicom/dicomwebPaths';
import { encodeMultipart, newBoundary } from '../../../common/dicom/multipart';
import { Tag } from '../../../common/dicom/tags';
import { getString } from '../../../common/dicom/dicomJson';
import { extractFrames, Part10Error } from '../dicom/part10';
import type { InstanceStore } from '../store/instanceStore';
import { matchesQido, parseQidoQuery } from '../store/qidoMatch';
import { encodeGrayPng, renderGrayscale, RenderError } from './renderedImage';
import { type DicomwebUpstream, UpstreamError } from './upstream';

export type Gateway = (request: Request) => Promise<Response>;

export interface GatewayOptions {
  store: InstanceStore;
  upstreams: readonly DicomwebUpstream[];
  /** Path prefix of the data plane in request URLs ("/dicomweb" in the browser host, "" for dicomweb://). */
  basePath?: string;
  log?: (message: string) => void;
}

const DICOM_JSON = 'application/dicom+json';
const DEFAULT_FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const THUMBNAIL_SIZE = 128;

const INSTANCE_LEVEL_TAGS = [
  Tag.SpecificCharacterSet, Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.StudyInstanceUID,
  Tag.SeriesInstanceUID, Tag.InstanceNumber, Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.NumberOfFrames,
];

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? DICOM_JSON : 'application/json', ...headers } });
}

function problem(status: number, message: string): Response {
  return json(status, { error: message });
}

/** Upstream URLs never reach the renderer: RetrieveURLs are dropped and BulkDataURIs point back at us. */
function sanitizeUpstreamDataset(ds: DicomJsonDataset, upstreamBase: string, ourBase: string): DicomJsonDataset {
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

function pick(ds: DicomJsonDataset, tags: readonly string[]): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const t of tags) if (ds[t]) out[t] = ds[t]!;
  return out;
}

function warningHeader(failures: string[]): Record<string, string> {
  // RFC 7234 Warning 299: the answer is usable but incomplete. The UI shows these per node.
  return failures.length ? { Warning: failures.map((f) => `299 dokuei "${f.replace(/["\\]/g, "'")}"`).join(', ') } : {};
}

function page<T>(items: T[], offset: number, limit?: number): T[] {
  return items.slice(offset, limit === undefined ? undefined : offset + limit);
}

export function createGateway(options: GatewayOptions): Gateway {
  const { store, upstreams } = options;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const log = options.log ?? (() => {});

  async function upstreamJson(
    pathAndQuery: string,
    ourBase: string,
  ): Promise<{ kind: 'ok'; items: DicomJsonDataset[] } | { kind: 'miss'; failures: string[] }> {
    const failures: string[] = [];
    for (const up of upstreams) {
      try {
        const items = (await up.fetchJson(pathAndQuery)) as DicomJsonDataset[];
        if (items.length === 0) continue;
        return { kind: 'ok', items: items.map((d) => sanitizeUpstreamDataset(d, up.baseUrl, ourBase)) };
      } catch (err) {
        if (err instanceof UpstreamError && err.status === 404) continue;
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    return { kind: 'miss', failures };
  }

  /** Streams an upstream answer through untouched (frames, instances, rendered): bytes stay identical. */
  async function upstreamPassthrough(pathAndQuery: string, accept: string): Promise<Response> {
    const failures: string[] = [];
    for (const up of upstreams) {
      try {
        const res = await up.fetch(pathAndQuery, accept);
        if (res.status === 404 || res.status === 204) {
          await res.body?.cancel();
          continue;
        }
        if (!res.ok) {
          await res.body?.cancel();
          failures.push(`${up.name} answered HTTP ${res.status}`);
          continue;
        }
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'content-length']) {
          const v = res.headers.get(h);
          if (v) headers[h] = v;
        }
        return new Response(res.body, { status: res.status, headers });
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (failures.length) return problem(502, failures.join('; '));
    return problem(404, 'Not found locally or on any configured node');
  }

  async function handle(route: DicomwebRoute, url: URL, request: Request, ourBase: string): Promise<Response> {
    const rest = url.pathname.slice(basePath.length);
    const pathAndQuery = rest + url.search;
    switch (route.kind) {
      case 'qidoStudies': {
        const q = parseQidoQuery(url.searchParams);
        const merged = new Map<string, DicomJsonDataset>();
        for (const ds of store.studies()) {
          if (matchesQido(ds, q.filters, q.fuzzy)) merged.set(getString(ds, Tag.StudyInstanceUID)!, ds);
        }
        const failures: string[] = [];
        const answers = await Promise.allSettled(upstreams.map((up) => up.fetchJson(pathAndQuery)));
        answers.forEach((a, i) => {
          const up = upstreams[i]!;
          if (a.status === 'rejected') {
            failures.push(a.reason instanceof Error ? a.reason.message : String(a.reason));
            return;
          }
          for (const raw of a.value as DicomJsonDataset[]) {
            const uid = getString(raw, Tag.StudyInstanceUID);
            if (uid && !merged.has(uid)) merged.set(uid, sanitizeUpstreamDataset(raw, up.baseUrl, ourBase));
          }
        });
        // Offset and limit were already applied upstream, so only the local part is paged here.
        return json(200, page([...merged.values()], 0, q.limit), warningHeader(failures));
      }
      case 'qidoSeries':
      case 'qidoStudyInstances':
      case 'qidoSeriesInstances': {
        const q = parseQidoQuery(url.searchParams);
        const local =
          route.kind === 'qidoSeries'
            ? store.series(route.study)
            : store.instances(route.study, route.kind === 'qidoSeriesInstances' ? route.series : undefined)?.map((d) => pick(d, INSTANCE_LEVEL_TAGS));
        if (local) return json(200, page(local.filter((d) => matchesQido(d, q.filters, q.fuzzy)), q.offset, q.limit));
        const up = await upstreamJson(pathAndQuery, ourBase);
        if (up.kind === 'ok') return json(200, up.items);
        return up.failures.length ? problem(502, up.failures.join('; ')) : json(200, []);
      }
      case 'seriesMetadata':
      case 'instanceMetadata': {
        const local =
          route.kind === 'seriesMetadata'
            ? store.instances(route.study, route.series)
            : [store.instanceMetadata(route.study, route.series, route.instance)].filter((d): d is DicomJsonDataset => !!d);
        if (local && local.length) return json(200, local);
        const up = await upstreamJson(pathAndQuery, ourBase);
        if (up.kind === 'ok') return json(200, up.items);
        return up.failures.length ? problem(502, up.failures.join('; ')) : problem(404, 'Series not found locally or on any configured node');
      }
      case 'instance': {
        const bytes = await store.readInstance(route.study, route.series, route.instance);
        if (!bytes) return upstreamPassthrough(pathAndQuery, request.headers.get('accept') ?? 'multipart/related; type="application/dicom"');
        const boundary = newBoundary();
        const body = encodeMultipart([{ contentType: 'application/dicom', body: bytes }], boundary);
        return new Response(body, { status: 200, headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` } });
      }
      case 'frames': {
        const bytes = await store.readInstance(route.study, route.series, route.instance);
        if (!bytes) return upstreamPassthrough(pathAndQuery, request.headers.get('accept') ?? DEFAULT_FRAMES_ACCEPT);
        const { transferSyntaxUid, frames } = extractFrames(bytes, route.frames);
        const boundary = newBoundary();
        const partType = `application/octet-stream; transfer-syntax=${transferSyntaxUid}`;
        const body = encodeMultipart(frames.map((f) => ({ contentType: partType, body: f })), boundary);
        return new Response(body, {
          status: 200,
          headers: { 'Content-Type': `multipart/related; type="application/octet-stream"; transfer-syntax=${transferSyntaxUid}; boundary=${boundary}` },
        });
      }
      case 'rendered': {
        const bytes = await store.readInstance(route.study, route.series, route.instance);
        if (!bytes) {
          // Orthanc and others refuse an Accept list here: ask for exactly one image type.
          const accept = /image\/jpeg/.test(request.headers.get('accept') ?? '') && !/image\/png/.test(request.headers.get('accept') ?? '') ? 'image/jpeg' : 'image/png';
          const answer = await upstreamPassthrough(pathAndQuery, accept);
          if (!route.thumbnail || answer.status !== 404) return answer;
          // Many nodes (Orthanc's plugin among them) have no /thumbnail: a small /rendered is the same picture.
          const rendered = `${rest.replace(/\/thumbnail$/, '/rendered')}?viewport=${THUMBNAIL_SIZE},${THUMBNAIL_SIZE}`;
          return upstreamPassthrough(rendered, accept);
        }
        const metadata = store.instanceMetadata(route.study, route.series, route.instance)!;
        const { frames } = extractFrames(bytes, [1]);
        const img = renderGrayscale(metadata, frames[0]!, route.thumbnail ? THUMBNAIL_SIZE : undefined);
        return new Response(encodeGrayPng(img), { status: 200, headers: { 'Content-Type': 'image/png' } });
      }
    }
  }

  return async function gateway(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, `${request.method} is not supported by the data plane`);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return problem(400, 'Malformed URL');
    }
    // Paths outside the data plane (including "../" that the URL parser already resolved) are refused.
    if (basePath && !(url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))) {
      return problem(400, 'Path outside the DICOMweb data plane');
    }
    const parsed = parseDicomwebPath(url.pathname.slice(basePath.length));
    if (!parsed.ok) return problem(400, parsed.reason);
    const ourBase = `${url.protocol}//${url.host}${basePath}`;
    try {
      return await handle(parsed.route, url, request, ourBase);
    } catch (err) {
      if (err instanceof Part10Error || err instanceof RenderError) return problem(err instanceof RenderError ? 406 : 422, err.message);
      log(`gateway error on ${url.pathname}: ${err instanceof Error ? err.stack : String(err)}`);
      return problem(500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}
