/**
 * The DICOM JSON model (PS3.18 Annex F) and small, total accessors over it.
 * Both QIDO-RS results and WADO-RS metadata arrive in this shape, from Orthanc and from our own store.
 */
export interface PersonNameValue {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

export type DicomJsonValue = string | number | PersonNameValue | DicomJsonDataset;

export interface DicomJsonElement {
  vr: string;
  Value?: DicomJsonValue[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export type DicomJsonDataset = Record<string, DicomJsonElement>;

export function firstValue(ds: DicomJsonDataset, tag: string): DicomJsonValue | undefined {
  return ds[tag]?.Value?.[0];
}

export function getString(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = firstValue(ds, tag);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && ('Alphabetic' in v || 'Ideographic' in v || 'Phonetic' in v)) {
    return formatPersonName(v as PersonNameValue);
  }
  return undefined;
}

export function getStrings(ds: DicomJsonDataset, tag: string): string[] {
  return (ds[tag]?.Value ?? []).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
}

export function getNumber(ds: DicomJsonDataset, tag: string): number | undefined {
  const v = firstValue(ds, tag);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * The first `count` values of a multi-valued numeric attribute (IS/DS/FL/FD…: strings or numbers in DICOM JSON),
 * or undefined when there are fewer or one of them is not a finite number — geometry must be whole or absent.
 * Without `count`, every value (at least one).
 */
export function getNumbers(ds: DicomJsonDataset, tag: string, count?: number): number[] | undefined {
  const raw = ds[tag]?.Value ?? [];
  const n = count ?? raw.length;
  if (n === 0 || raw.length < n) return undefined;
  const out: number[] = [];
  for (const x of raw.slice(0, n)) {
    const v = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
    if (!Number.isFinite(v)) return undefined;
    out.push(v);
  }
  return out;
}

export function getPersonName(ds: DicomJsonDataset, tag: string): PersonNameValue | undefined {
  const v = firstValue(ds, tag);
  if (v && typeof v === 'object') return v as PersonNameValue;
  if (typeof v === 'string') return { Alphabetic: v };
  return undefined;
}

/** "YAMADA^Tarou = 山田^太郎 = やまだ^たろう" shown as "YAMADA Tarou (山田 太郎)". */
export function formatPersonName(pn: PersonNameValue | undefined): string {
  if (!pn) return '';
  const tidy = (s: string | undefined) => (s ?? '').split('^').map((p) => p.trim()).filter(Boolean).join(' ');
  const alpha = tidy(pn.Alphabetic);
  const ideo = tidy(pn.Ideographic);
  if (alpha && ideo) return `${alpha} (${ideo})`;
  return alpha || ideo || tidy(pn.Phonetic);
}

/** "20240131" → "2024-01-31"; anything else is shown as it came. */
export function formatDicomDate(da: string | undefined): string {
  if (!da) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da;
}
