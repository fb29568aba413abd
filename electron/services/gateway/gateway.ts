/**
 * The DICOMweb gateway: a web-standard (Request) => Promise<Response> over the local store, falling
 * through to upstream DICOMweb nodes on a miss. Electron binds it to the dicomweb:// scheme; the browser
 * host puts it behind a token-protected 127.0.0.1 server. It implements the subset cornerstone3D uses.
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { parseDicomwebPath, parseStowPath, type DicomwebRoute } from '../../../common/dicom/dicomwebPaths';
import { encodeMultipart, newBoundary } from '../../../common/dicom/multipart';
import { Tag } from '../../../common/dicom/tags';
import { getNumber, getString } from '../../../common/dicom/dicomJson';
import { seriesUid, sopUid, type SeriesInstanceUid, type SopInstanceUid, type StudyInstanceUid } from '../../../common/dicom/uid';
import { extractFrames, Part10Error } from '../dicom/part10';
import type { InstanceStore } from '../store/instanceStore';
import { matchesQido, parseQidoQuery } from '../store/qidoMatch';
import { renderedResponse, RenderError } from './renderedImage';
import { fetchWithFailover } from '../pacs/failover';
import { NodeHealth } from '../pacs/nodeHealth';
import { StoreThrough } from './storeThrough';
import { handleStow } from './stow';
import { seriesRetrieveKind, seriesRetrieveResponse } from './seriesRetrieve';
import type { DicomwebUpstream } from '../pacs/upstream';
import { pickTags } from '../store/studyIndexViews';

export type Gateway = (request: Request) => Promise<Response>;

/** The gateway with what it keeps: node health (the UI shows it) and the store-through queue. */
export interface DataPlaneGateway extends Gateway {
  readonly health: NodeHealth;
  /** Undefined when store-through is off. */
  readonly storeThrough: StoreThrough | undefined;
  /** Stops background store-through (aborts transfers in flight). */
  close(): Promise<void>;
}

export interface GatewayOptions {
  store: InstanceStore;
  upstreams: readonly DicomwebUpstream[];
  /** Path prefix of the data plane in request URLs ("/dicomweb" in the browser host, "" for dicomweb://). */
  basePath?: string;
  log?: (message: string) => void;
  /** Shared node health; a fresh one by default. */
  health?: NodeHealth;
  /**
   * Store what passes through (default true): on a miss answered upstream, the whole instance is fetched in
   * the background and put in the store; a series metadata miss queues the whole series.
   * `{ series: false }` stores only instances actually read.
   */
  storeThrough?: boolean | { concurrency?: number; series?: boolean };
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


function warningHeader(failures: string[]): Record<string, string> {
  // RFC 7234 Warning 299: the answer is usable but incomplete. The UI shows these per node.
  // Header values must be Latin-1 (a node's name may be Japanese): other characters are percent-encoded.
  const text = (f: string) => f.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/gu, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '?'; // a lone surrogate
      }
    });
  return failures.length ? { Warning: failures.map((f) => `299 dokuei "${text(f)}"`).join(', ') } : {};
}

/** SOP Instance UIDs of a listing by Instance Number (listing order where it is absent); malformed UIDs dropped. */
function instancesInOrder(items: readonly DicomJsonDataset[]): SopInstanceUid[] {
  const rows: { sop: SopInstanceUid; n: number; i: number }[] = [];
  items.forEach((ds, i) => {
    const raw = getString(ds, Tag.SOPInstanceUID);
    if (!raw) return;
    let sop: SopInstanceUid;
    try {
      sop = sopUid(raw);
    } catch {
      return;
    }
    rows.push({ sop, n: getNumber(ds, Tag.InstanceNumber) ?? Number.POSITIVE_INFINITY, i });
  });
  return rows.sort((a, b) => a.n - b.n || a.i - b.i).map((r) => r.sop);
}

function page<T>(items: T[], offset: number, limit?: number): T[] {
  return items.slice(offset, limit === undefined ? undefined : offset + limit);
}

export function createGateway(options: GatewayOptions): DataPlaneGateway {
  const { store, upstreams } = options;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const log = options.log ?? (() => {});
  const health = options.health ?? new NodeHealth();
  const stOptions = typeof options.storeThrough === 'object' ? options.storeThrough : {};
  const storeSeries = stOptions.series ?? true;

  /**
   * Which local studies are only partly here. The store cannot say (the plain store has no notion of a
   * partial study), so the gateway remembers what it filled by store-through, and what the nodes said the
   * studies and series hold. Until such a study is known to be complete, listings and metadata are asked
   * upstream first and the local part is the fallback (with a Warning saying what is missing).
   */
  const touched = new Map<string, Set<string>>(); // study → series that store-through wrote to
  const expectedSeries = new Map<string, Set<string>>(); // study → series the nodes listed
  const expectedInstances = new Map<string, Set<string>>(); // study/series → SOP Instance UIDs the nodes listed
  const key = (study: string, series: string) => `${study}/${series}`;

  function missingInstances(study: StudyInstanceUid, series: SeriesInstanceUid): string[] | undefined {
    const expected = expectedInstances.get(key(study, series));
    if (!expected) return undefined;
    return [...expected].filter((sop) => !store.instanceMetadata(study, series, sopUid(sop)));
  }
  function seriesPartial(study: StudyInstanceUid, series: SeriesInstanceUid): boolean {
    if (!touched.get(study)?.has(series)) return false;
    const missing = missingInstances(study, series);
    return missing === undefined || missing.length > 0;
  }
  function studyPartial(study: StudyInstanceUid): boolean {
    const t = touched.get(study);
    if (!t) return false;
    const listed = expectedSeries.get(study);
    if (!listed) return true;
    for (const se of new Set([...listed, ...t])) {
      const missing = missingInstances(study, seriesUid(se));
      if (missing === undefined || missing.length > 0) return true;
    }
    return false;
  }
  function learnInstances(study: StudyInstanceUid, series: SeriesInstanceUid | undefined, items: DicomJsonDataset[]): void {
    for (const ds of items) {
      const se = series ?? getString(ds, Tag.SeriesInstanceUID);
      const sop = getString(ds, Tag.SOPInstanceUID);
      if (!se || !sop) continue;
      const k = key(study, se);
      let set = expectedInstances.get(k);
      if (!set) expectedInstances.set(k, (set = new Set()));
      set.add(sop);
    }
  }
  function learnSeries(study: StudyInstanceUid, items: DicomJsonDataset[]): void {
    const set = new Set<string>();
    for (const ds of items) {
      const se = getString(ds, Tag.SeriesInstanceUID);
      if (se) set.add(se);
    }
    if (set.size) expectedSeries.set(study, set);
  }

  const storeThrough =
    options.storeThrough === false || upstreams.length === 0
      ? undefined
      : new StoreThrough({
          store,
          upstreams,
          health,
          concurrency: stOptions.concurrency,
          log,
          onStored: (ref) => {
            let set = touched.get(ref.study);
            if (!set) touched.set(ref.study, (set = new Set()));
            set.add(ref.series);
          },
        });

  function queueSeries(study: StudyInstanceUid, series: SeriesInstanceUid | undefined, items: DicomJsonDataset[], prefer?: DicomwebUpstream): void {
    if (!storeThrough || !storeSeries) return;
    for (const ds of items) {
      const se = series ?? getString(ds, Tag.SeriesInstanceUID);
      const sop = getString(ds, Tag.SOPInstanceUID);
      if (!se || !sop) continue;
      try {
        storeThrough.request({ study, series: seriesUid(se), instance: sopUid(sop) }, 'prefetch', prefer);
      } catch {
        // a node listed a malformed UID: nothing to store for it
      }
    }
  }

  async function upstreamJson(
    pathAndQuery: string,
    ourBase: string,
  ): Promise<{ kind: 'ok'; items: DicomJsonDataset[]; node: DicomwebUpstream } | { kind: 'miss'; failures: string[] }> {
    const failures: string[] = [];
    // A node that answers an empty list or JSON we cannot use is passed over for the next one.
    let remaining = [...upstreams];
    while (remaining.length) {
      const outcome = await fetchWithFailover(remaining, health, pathAndQuery, DICOM_JSON, { deadline: true });
      if (outcome.kind === 'miss') {
        failures.push(...outcome.failures);
        break;
      }
      const { node, body } = outcome.answer;
      remaining = remaining.slice(remaining.indexOf(node) + 1);
      let items: unknown;
      try {
        const text = new TextDecoder().decode(body);
        items = text.trim() === '' ? [] : JSON.parse(text);
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
  async function upstreamBytes(pathAndQuery: string, accept: string, what: string, deadline = true): Promise<{ response: Response; node?: DicomwebUpstream }> {
    const outcome = await fetchWithFailover(upstreams, health, pathAndQuery, accept, { deadline });
    if (outcome.kind === 'ok') {
      const { answer } = outcome;
      const headers: Record<string, string> = { 'content-length': String(answer.body.byteLength) };
      if (answer.contentType) headers['content-type'] = answer.contentType;
      return { response: new Response(answer.body as Uint8Array<ArrayBuffer>, { status: answer.status, headers }), node: answer.node };
    }
    if (outcome.failures.length) return { response: problem(502, `${what} is not available locally and no node could provide it: ${outcome.failures.join('; ')}`) };
    return { response: problem(404, 'Not found locally or on any configured node') };
  }

  /** A read answered upstream: store the instance in the background (never awaited). */
  function storeLater(route: { study: StudyInstanceUid; series: SeriesInstanceUid; instance: SopInstanceUid }, node?: DicomwebUpstream): void {
    storeThrough?.request({ study: route.study, series: route.series, instance: route.instance }, 'read', node);
  }

  function partialWarning(study: StudyInstanceUid, series: SeriesInstanceUid | undefined, failures: string[]): Record<string, string> {
    const lines = [...failures];
    const seriesList = series ? [series] : [...(touched.get(study) ?? [])].map((s) => seriesUid(s));
    for (const se of seriesList) {
      const missing = missingInstances(study, se);
      if (missing === undefined) lines.unshift(`series ${se} may be incomplete locally: no node could list its instances`);
      else if (missing.length) {
        const shown = missing.slice(0, 5).join(', ');
        lines.unshift(`series ${se}: ${missing.length} of ${expectedInstances.get(key(study, se))!.size} instances are not available (${shown}${missing.length > 5 ? ', ...' : ''})`);
      }
    }
    if (!series) {
      const listed = expectedSeries.get(study);
      const local = new Set((store.series(study) ?? []).map((d) => getString(d, Tag.SeriesInstanceUID)));
      const absent = listed ? [...listed].filter((se) => !local.has(se)) : [];
      if (absent.length) lines.unshift(`study ${study}: series not available: ${absent.join(', ')}`);
    }
    return warningHeader(lines);
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
        const replaced = new Set<string>();
        const asked = upstreams.filter((up) => {
          if (!health.shouldSkip(up.name)) return true;
          failures.push(health.skipReason(up.name));
          return false;
        });
        const answers = await Promise.allSettled(
          asked.map(async (up) => {
            const outcome = await fetchWithFailover([up], health, pathAndQuery, DICOM_JSON, { deadline: true });
            if (outcome.kind === 'miss') {
              if (outcome.failures.length) throw new Error(outcome.failures.join('; '));
              return [];
            }
            const text = new TextDecoder().decode(outcome.answer.body);
            const parsed: unknown = text.trim() === '' ? [] : JSON.parse(text);
            if (!Array.isArray(parsed)) throw new Error(`${up.name} sent JSON that is not a DICOM JSON array`);
            return parsed as DicomJsonDataset[];
          }),
        );
        answers.forEach((a, i) => {
          const up = asked[i]!;
          if (a.status === 'rejected') {
            const why = a.reason instanceof Error ? a.reason.message : String(a.reason);
            failures.push(why.includes(up.name) ? why : `${up.name}: ${why}`);
            return;
          }
          for (const raw of a.value) {
            const uid = getString(raw, Tag.StudyInstanceUID);
            if (!uid) continue;
            // A study only partly stored here is described by the node that holds all of it.
            const partial = merged.has(uid) && !replaced.has(uid) && studyPartial(uid as StudyInstanceUid);
            if (!merged.has(uid) || partial) {
              merged.set(uid, sanitizeUpstreamDataset(raw, up.baseUrl, ourBase));
              if (partial) replaced.add(uid);
            }
          }
        });
        // Offset and limit were already applied upstream, so only the local part is paged here.
        return json(200, page([...merged.values()], 0, q.limit), warningHeader(failures));
      }
      case 'qidoSeries':
      case 'qidoStudyInstances':
      case 'qidoSeriesInstances': {
        const q = parseQidoQuery(url.searchParams);
        const series = route.kind === 'qidoSeriesInstances' ? route.series : undefined;
        const local =
          route.kind === 'qidoSeries'
            ? store.series(route.study)
            : store.instances(route.study, series)?.map((d) => pickTags(d, INSTANCE_LEVEL_TAGS));
        const partial = series ? seriesPartial(route.study, series) : studyPartial(route.study);
        if (local && !partial) return json(200, page(local.filter((d) => matchesQido(d, q.filters, q.fuzzy)), q.offset, q.limit));
        const up = await upstreamJson(pathAndQuery, ourBase);
        if (up.kind === 'ok') {
          // Only unfiltered listings say what the study or series holds.
          if (url.search === '') {
            if (route.kind === 'qidoSeries') learnSeries(route.study, up.items);
            else learnInstances(route.study, series, up.items);
          }
          return json(200, up.items);
        }
        if (local) return json(200, page(local.filter((d) => matchesQido(d, q.filters, q.fuzzy)), q.offset, q.limit), partialWarning(route.study, series, up.failures));
        return up.failures.length ? problem(502, up.failures.join('; ')) : json(200, []);
      }
      case 'seriesMetadata':
      case 'instanceMetadata': {
        const local =
          route.kind === 'seriesMetadata'
            ? store.instances(route.study, route.series)
            : [store.instanceMetadata(route.study, route.series, route.instance)].filter((d): d is DicomJsonDataset => !!d);
        const partial = route.kind === 'seriesMetadata' && seriesPartial(route.study, route.series);
        if (local && local.length && !partial) return json(200, local);
        const up = await upstreamJson(pathAndQuery, ourBase);
        if (up.kind === 'ok') {
          if (route.kind === 'seriesMetadata') {
            learnInstances(route.study, route.series, up.items);
            queueSeries(route.study, route.series, up.items, up.node);
          } else {
            storeLater(route, up.node);
          }
          return json(200, up.items);
        }
        if (local && local.length) return json(200, local, partialWarning(route.study, route.series, up.failures));
        const what = route.kind === 'seriesMetadata' ? `Series ${route.series}` : `Instance ${route.instance}`;
        return up.failures.length
          ? problem(502, `${what} is not available locally and no node could provide it: ${up.failures.join('; ')}`)
          : problem(404, `${what} was not found locally or on any configured node`);
      }
      case 'series': {
        const kind = seriesRetrieveKind(request.headers.get('accept'));
        if (!kind) return problem(406, 'Retrieve Series answers multipart/related of type application/dicom (instances) or application/octet-stream (bulk data)');
        const local = store.instances(route.study, route.series) ?? [];
        let listing = local;
        let node: DicomwebUpstream | undefined;
        if (local.length === 0 || seriesPartial(route.study, route.series)) {
          const up = await upstreamJson(`/studies/${route.study}/series/${route.series}/instances`, ourBase);
          if (up.kind === 'ok') {
            learnInstances(route.study, route.series, up.items);
            listing = up.items;
            node = up.node;
          } else if (local.length === 0) {
            return up.failures.length
              ? problem(502, `Series ${route.series} is not available locally and no node could provide it: ${up.failures.join('; ')}`)
              : problem(404, `Series ${route.series} was not found locally or on any configured node`);
          }
        }
        const ref = (instance: SopInstanceUid) => ({ study: route.study, series: route.series, instance });
        return seriesRetrieveResponse(
          {
            seriesUrl: `${ourBase}/studies/${route.study}/series/${route.series}`,
            instances: instancesInOrder(listing),
            // Missing instances are fetched whole through store-through: what streams is what is stored.
            read: (sop) => (storeThrough ? storeThrough.fetchStored(ref(sop), node) : store.readInstance(route.study, route.series, sop)),
            log,
          },
          kind,
        );
      }
      case 'instance': {
        const bytes = await store.readInstance(route.study, route.series, route.instance);
        if (!bytes) {
          // A whole instance may rightly take long: each node's own timeouts apply, not one deadline.
          const up = await upstreamBytes(pathAndQuery, request.headers.get('accept') ?? 'multipart/related; type="application/dicom"', `Instance ${route.instance}`, false);
          if (up.node) storeLater(route, up.node);
          return up.response;
        }
        const boundary = newBoundary();
        const body = encodeMultipart([{ contentType: 'application/dicom', body: bytes }], boundary);
        return new Response(body, { status: 200, headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` } });
      }
      case 'frames': {
        const bytes = await store.readInstance(route.study, route.series, route.instance);
        if (!bytes) {
          const up = await upstreamBytes(pathAndQuery, request.headers.get('accept') ?? DEFAULT_FRAMES_ACCEPT, `Frames of instance ${route.instance}`);
          if (up.node) storeLater(route, up.node);
          return up.response;
        }
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
          const what = `The rendered image of instance ${route.instance}`;
          const answer = (await upstreamBytes(pathAndQuery, accept, what)).response;
          if (!route.thumbnail || answer.status !== 404) return answer;
          // Many nodes (Orthanc's plugin among them) have no /thumbnail: a small /rendered is the same picture.
          const rendered = `${rest.replace(/\/thumbnail$/, '/rendered')}?viewport=${THUMBNAIL_SIZE},${THUMBNAIL_SIZE}`;
          return (await upstreamBytes(rendered, accept, what)).response;
        }
        // Every transfer syntax and photometric interpretation the viewer decodes (see renderedImage.ts).
        return await renderedResponse(bytes, request.headers.get('accept'), { maxSize: route.thumbnail ? THUMBNAIL_SIZE : undefined });
      }
    }
  }

  /** STOW-RS into the local store (see stow.ts). */
  async function stow(request: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return problem(400, 'Malformed URL');
    }
    if (basePath && !url.pathname.startsWith(`${basePath}/`)) return problem(400, 'Path outside the DICOMweb data plane');
    const parsed = parseStowPath(url.pathname.slice(basePath.length));
    if (!parsed.ok) return problem(parsed.status === 404 ? 405 : 400, parsed.status === 404 ? `POST is not supported here (${parsed.reason})` : parsed.reason);
    try {
      return await handleStow(request, store, `${url.protocol}//${url.host}${basePath}`, parsed.study);
    } catch (err) {
      log(`gateway STOW error: ${err instanceof Error ? err.stack : String(err)}`);
      return problem(500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function gateway(request: Request): Promise<Response> {
    if (request.method === 'POST') return stow(request);
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
      if (err instanceof Part10Error || err instanceof RenderError) return problem(err instanceof RenderError ? err.status : 422, err.message);
      log(`gateway error on ${url.pathname}: ${err instanceof Error ? err.stack : String(err)}`);
      return problem(500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return Object.assign(gateway, {
    health,
    storeThrough,
    close: async () => {
      await storeThrough?.close();
    },
  });
}
