/**
 * QIDO-RS matching (PS3.18 §8.3.4) over DICOM JSON, for answering queries from the local store:
 * single value, wildcard (* ?) and case-insensitive for person names, date ranges, UID lists.
 */
import type { DicomJsonDataset } from '../../../common/dicom/dicomJson';
import { getStrings, getString } from '../../../common/dicom/dicomJson';
import { resolveTag, Tag } from '../../../common/dicom/tags';

export interface QidoQuery {
  filters: Map<string, string>;
  limit?: number;
  offset: number;
  fuzzy: boolean;
}

const CONTROL_KEYS = new Set(['limit', 'offset', 'fuzzymatching', 'includefield']);

export function parseQidoQuery(params: URLSearchParams): QidoQuery {
  const filters = new Map<string, string>();
  let limit: number | undefined;
  let offset = 0;
  let fuzzy = false;
  for (const [key, value] of params) {
    const k = key.toLowerCase();
    if (k === 'limit') {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0) limit = n;
    } else if (k === 'offset') {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0) offset = n;
    } else if (k === 'fuzzymatching') {
      fuzzy = value === 'true';
    } else if (!CONTROL_KEYS.has(k)) {
      const tag = resolveTag(key);
      if (tag && value !== '') filters.set(tag, value);
    }
  }
  return { filters, limit, offset, fuzzy };
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'iu');
}

function matchDate(value: string | undefined, criterion: string): boolean {
  if (!value) return false;
  const m = /^(\d{8})?-(\d{8})?$/.exec(criterion);
  if (m) return (!m[1] || value >= m[1]) && (!m[2] || value <= m[2]);
  return value === criterion;
}

function personNameStrings(ds: DicomJsonDataset, tag: string): string[] {
  const out: string[] = [];
  for (const v of ds[tag]?.Value ?? []) {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') {
      for (const k of ['Alphabetic', 'Ideographic', 'Phonetic'] as const) {
        const s = (v as Record<string, unknown>)[k];
        if (typeof s === 'string') out.push(s);
      }
    }
  }
  return out;
}

export function matchesQido(ds: DicomJsonDataset, filters: Map<string, string>, fuzzy = false): boolean {
  for (const [tag, criterion] of filters) {
    const vr = ds[tag]?.vr;
    if (vr === 'DA' || tag === Tag.StudyDate || tag === Tag.PatientBirthDate) {
      if (!matchDate(getString(ds, tag), criterion)) return false;
      continue;
    }
    if (vr === 'UI' || tag === Tag.StudyInstanceUID || tag === Tag.SeriesInstanceUID || tag === Tag.SOPInstanceUID) {
      const wanted = new Set(criterion.split(/[,\\]/).map((s) => s.trim()));
      if (!getStrings(ds, tag).some((v) => wanted.has(v))) return false;
      continue;
    }
    const values = vr === 'PN' ? personNameStrings(ds, tag) : getStrings(ds, tag);
    const re = wildcardToRegExp(criterion);
    const ok = values.some((v) => {
      if (re.test(v.trim())) return true;
      // Fuzzy/name matching: match each name component group's prefix, the way PACS users type names.
      return vr === 'PN' && fuzzy && v.toLowerCase().startsWith(criterion.replace(/\*$/, '').toLowerCase());
    });
    if (!ok) return false;
  }
  return true;
}
