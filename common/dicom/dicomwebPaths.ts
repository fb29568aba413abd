/**
 * DICOMweb resource paths: parsing (gateway side) and building (renderer side) in one place.
 * Parsing is strict: every UID segment must be a UID, so nothing else can reach a file path.
 */
import { isSafeUid, type SeriesInstanceUid, type SopInstanceUid, type StudyInstanceUid } from './uid';

export type DicomwebRoute =
  | { kind: 'qidoStudies' }
  | { kind: 'qidoSeries'; study: StudyInstanceUid }
  | { kind: 'qidoStudyInstances'; study: StudyInstanceUid }
  | { kind: 'qidoSeriesInstances'; study: StudyInstanceUid; series: SeriesInstanceUid }
  | { kind: 'seriesMetadata'; study: StudyInstanceUid; series: SeriesInstanceUid }
  /** Retrieve Series (PS3.18 §10.4): every instance, or with an octet-stream Accept every frame's bulk data. */
  | { kind: 'series'; study: StudyInstanceUid; series: SeriesInstanceUid }
  | { kind: 'instanceMetadata'; study: StudyInstanceUid; series: SeriesInstanceUid; instance: SopInstanceUid }
  | { kind: 'instance'; study: StudyInstanceUid; series: SeriesInstanceUid; instance: SopInstanceUid }
  | { kind: 'frames'; study: StudyInstanceUid; series: SeriesInstanceUid; instance: SopInstanceUid; frames: number[] }
  | { kind: 'rendered'; study: StudyInstanceUid; series: SeriesInstanceUid; instance: SopInstanceUid; thumbnail: boolean }
  /**
   * Retrieve Bulkdata (PS3.18 §10.4.1.1.5) of one top-level element, e.g. an encapsulated PDF's Encapsulated
   * Document (0042,0011), which metadata leaves out when large. "bulk/{tag}" is how Orthanc spells its
   * BulkDataURIs, so a node's URIs (rewritten to point back at us) land here too.
   */
  | { kind: 'bulkData'; study: StudyInstanceUid; series: SeriesInstanceUid; instance: SopInstanceUid; tag: string };

export type ParsedPath = { ok: true; route: DicomwebRoute } | { ok: false; status: 400 | 404; reason: string };

const MAX_FRAMES_PER_REQUEST = 10000;

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * @param path the part after the data-plane base, e.g. "/studies/1.2.3/series". Raw (still percent-encoded)
 *   so that an encoded "../" is seen and refused rather than normalised away.
 */
export function parseDicomwebPath(path: string): ParsedPath {
  if (path.length > 1024) return { ok: false, status: 400, reason: 'Path too long' };
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  const raw = trimmed === '' ? [] : trimmed.split('/');
  const segs: string[] = [];
  for (const s of raw) {
    const d = decodeSegment(s);
    if (d === undefined) return { ok: false, status: 400, reason: 'Malformed percent-encoding in path' };
    if (d === '' || d === '.' || d === '..' || d.includes('/') || d.includes('\\') || d.includes('\0')) {
      return { ok: false, status: 400, reason: 'Path traversal or empty segment refused' };
    }
    segs.push(d);
  }
  if (segs[0] !== 'studies') return { ok: false, status: 404, reason: 'Not a DICOMweb resource' };
  const uidAt = (i: number, what: string): string | ParsedPath => {
    const v = segs[i];
    return isSafeUid(v) ? v : { ok: false, status: 400, reason: `Malformed ${what} in path` };
  };
  if (segs.length === 1) return { ok: true, route: { kind: 'qidoStudies' } };
  const study = uidAt(1, 'StudyInstanceUID');
  if (typeof study !== 'string') return study;
  const s = study as StudyInstanceUid;
  if (segs.length === 3 && segs[2] === 'series') return { ok: true, route: { kind: 'qidoSeries', study: s } };
  if (segs.length === 3 && segs[2] === 'instances') return { ok: true, route: { kind: 'qidoStudyInstances', study: s } };
  if (segs[2] !== 'series' || segs.length < 4) return { ok: false, status: 404, reason: 'Unsupported study resource' };
  const series = uidAt(3, 'SeriesInstanceUID');
  if (typeof series !== 'string') return series;
  const se = series as SeriesInstanceUid;
  if (segs.length === 4) return { ok: true, route: { kind: 'series', study: s, series: se } };
  if (segs.length === 5 && segs[4] === 'instances') return { ok: true, route: { kind: 'qidoSeriesInstances', study: s, series: se } };
  if (segs.length === 5 && segs[4] === 'metadata') return { ok: true, route: { kind: 'seriesMetadata', study: s, series: se } };
  if (segs[4] !== 'instances' || segs.length < 6) return { ok: false, status: 404, reason: 'Unsupported series resource' };
  const instance = uidAt(5, 'SOPInstanceUID');
  if (typeof instance !== 'string') return instance;
  const i = instance as SopInstanceUid;
  if (segs.length === 6) return { ok: true, route: { kind: 'instance', study: s, series: se, instance: i } };
  if (segs.length === 7 && segs[6] === 'metadata') return { ok: true, route: { kind: 'instanceMetadata', study: s, series: se, instance: i } };
  if (segs.length === 7 && (segs[6] === 'rendered' || segs[6] === 'thumbnail')) {
    return { ok: true, route: { kind: 'rendered', study: s, series: se, instance: i, thumbnail: segs[6] === 'thumbnail' } };
  }
  if (segs.length === 8 && segs[6] === 'frames') {
    const list = segs[7]!;
    if (!/^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8})*$/.test(list)) return { ok: false, status: 400, reason: 'Malformed frame list' };
    const frames = list.split(',').map(Number);
    if (frames.length > MAX_FRAMES_PER_REQUEST) return { ok: false, status: 400, reason: 'Too many frames requested' };
    return { ok: true, route: { kind: 'frames', study: s, series: se, instance: i, frames } };
  }
  if (segs.length === 8 && segs[6] === 'bulk') {
    const tag = segs[7]!;
    if (!/^[0-9A-Fa-f]{8}$/.test(tag)) return { ok: false, status: 400, reason: 'Malformed bulk data tag' };
    return { ok: true, route: { kind: 'bulkData', study: s, series: se, instance: i, tag: tag.toUpperCase() } };
  }
  return { ok: false, status: 404, reason: 'Unsupported instance resource' };
}

/** Builders used by the renderer; they take already-validated UIDs and never encode anything else. */
export const dicomwebPath = {
  studies: () => '/studies',
  series: (study: string) => `/studies/${study}/series`,
  seriesInstances: (study: string, series: string) => `/studies/${study}/series/${series}/instances`,
  seriesMetadata: (study: string, series: string) => `/studies/${study}/series/${series}/metadata`,
  /** Retrieve Series: with an octet-stream Accept, the pixel data of every frame of every instance, streamed. */
  seriesRetrieve: (study: string, series: string) => `/studies/${study}/series/${series}`,
  instance: (study: string, series: string, instance: string) => `/studies/${study}/series/${series}/instances/${instance}`,
  frames: (study: string, series: string, instance: string, frames: number[]) =>
    `/studies/${study}/series/${series}/instances/${instance}/frames/${frames.join(',')}`,
  thumbnail: (study: string, series: string, instance: string) => `/studies/${study}/series/${series}/instances/${instance}/thumbnail`,
  /** One top-level element's value (tag as 8 hex digits, e.g. "00420011"), as multipart/related octet-stream. */
  bulkData: (study: string, series: string, instance: string, tag: string) => `/studies/${study}/series/${series}/instances/${instance}/bulk/${tag}`,
};

/**
 * The STOW-RS targets (PS3.18 §10.5): "/studies" or "/studies/{study}". Same strictness as parseDicomwebPath.
 */
export function parseStowPath(path: string): { ok: true; study?: StudyInstanceUid } | { ok: false; status: 400 | 404; reason: string } {
  const parsed = parseDicomwebPath(path);
  if (parsed.ok) return parsed.route.kind === 'qidoStudies' ? { ok: true } : { ok: false, status: 404, reason: 'STOW-RS takes /studies or /studies/{study}' };
  const segs = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segs.length === 2 && segs[0] === 'studies') {
    const study = decodeSegment(segs[1]!);
    if (study !== undefined && isSafeUid(study)) return { ok: true, study: study as StudyInstanceUid };
    return { ok: false, status: 400, reason: 'Malformed StudyInstanceUID in path' };
  }
  return parsed;
}

/** Where the renderer POSTs dropped files (STOW-RS). */
export const stowPath = () => '/studies';
