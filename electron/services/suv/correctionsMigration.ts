/**
 * Import of the plaintext SUV corrections of earlier versions (issue #15): `<dataDir>/suv/corrections/<UID>.json`
 * (one series' corrections) and `<dataDir>/suv/audit.jsonl` (one line per correction). They are merged into the
 * encrypted store and removed only after the encrypted copy is durable (written, fsynced, renamed, folder
 * fsynced): a crash in between leaves both, and the next open merges again without duplicating anything, because
 * a series already in the encrypted store is kept as it is there (it can only be newer) and history lines are
 * matched by their content.
 *
 * A series file whose corrections differ from its audit lines (the JSON edited by hand: the app applied the
 * edited value while the log kept the accepted one) is imported as it applied, flagged importMismatch, and
 * counted in the log line; the audit lines go to the history unchanged, so both versions stay on record.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../store/durableFile';
import { SUV_CORRECTION_FIELDS, type CorrectionsBody, type StoredSeries, type SuvCorrectionHistoryEntry, type SuvCorrectionRecord } from './correctionsStore';

const UID_FILE = /^([0-9]+(?:\.[0-9]+)*)\.json$/;

export interface PlaintextFound {
  /** Series files that parsed, by Series Instance UID. */
  series: Map<string, { file: string; studyInstanceUid: string; rwvmSeriesInstanceUid?: string; corrections: SuvCorrectionRecord[] }>;
  /** Series files that could not be read: left in place, reported. */
  unreadable: string[];
  /** Temp files of the old crash-safe write (never the state): removed with the rest. */
  tempFiles: string[];
  audit?: { file: string; entries: SuvCorrectionHistoryEntry[]; unreadable: string[] };
}

export interface MigrationResult {
  body: CorrectionsBody;
  seriesImported: number;
  historyImported: number;
  mismatched: number;
}

function isRecord(x: unknown): x is SuvCorrectionRecord {
  const r = x as Partial<SuvCorrectionRecord> | null;
  return (
    !!r &&
    (SUV_CORRECTION_FIELDS as readonly unknown[]).includes(r.field) &&
    (typeof r.newValue === 'number' || typeof r.newValue === 'string') &&
    (r.oldValue === null || typeof r.oldValue === 'number' || typeof r.oldValue === 'string') &&
    typeof r.user === 'string' &&
    typeof r.time === 'string' &&
    typeof r.reason === 'string'
  );
}

const recordOf = (r: SuvCorrectionRecord): SuvCorrectionRecord => ({ field: r.field, oldValue: r.oldValue, newValue: r.newValue, user: r.user, time: r.time, reason: r.reason });
/** What identifies one accepted correction across the two plaintext files and the encrypted history. */
const keyOf = (seriesUid: string, r: SuvCorrectionRecord): string => JSON.stringify([seriesUid, ...Object.values(recordOf(r))]);

/** Reads whatever plaintext files an earlier version left in `suvDir`; undefined when there are none. */
export async function findPlaintext(suvDir: string): Promise<PlaintextFound | undefined> {
  const found: PlaintextFound = { series: new Map(), unreadable: [], tempFiles: [] };
  const dir = path.join(suvDir, 'corrections');
  const names = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [] as string[];
    throw err;
  });
  for (const name of names) {
    const file = path.join(dir, name);
    if (name.endsWith('.tmp')) {
      found.tempFiles.push(file);
      continue;
    }
    const m = UID_FILE.exec(name);
    if (!m) continue;
    try {
      const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { studyInstanceUid?: unknown; seriesInstanceUid?: unknown; rwvmSeriesInstanceUid?: unknown; corrections?: unknown };
      if (typeof parsed.studyInstanceUid !== 'string' || parsed.seriesInstanceUid !== m[1] || !Array.isArray(parsed.corrections) || !parsed.corrections.every(isRecord)) throw new Error('not a corrections file');
      found.series.set(m[1]!, {
        file,
        studyInstanceUid: parsed.studyInstanceUid,
        ...(typeof parsed.rwvmSeriesInstanceUid === 'string' ? { rwvmSeriesInstanceUid: parsed.rwvmSeriesInstanceUid } : {}),
        corrections: parsed.corrections.map(recordOf),
      });
    } catch {
      found.unreadable.push(file);
    }
  }
  const auditFile = path.join(suvDir, 'audit.jsonl');
  const text = await fs.readFile(auditFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text !== undefined) {
    const audit = { file: auditFile, entries: [] as SuvCorrectionHistoryEntry[], unreadable: [] as string[] };
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let x: Partial<SuvCorrectionHistoryEntry> | undefined;
      try {
        x = JSON.parse(line) as Partial<SuvCorrectionHistoryEntry>;
      } catch {
        x = undefined;
      }
      const study = x?.studyInstanceUid;
      const series = x?.seriesInstanceUid;
      const rwvm = x?.rwvmSopInstanceUid;
      if (x && x.kind === 'suv-correction' && typeof study === 'string' && typeof series === 'string' && isRecord(x)) {
        audit.entries.push({
          kind: 'suv-correction',
          studyInstanceUid: study,
          seriesInstanceUid: series,
          ...recordOf(x),
          ...(typeof rwvm === 'string' ? { rwvmSopInstanceUid: rwvm } : {}),
          imported: true,
        });
      } else {
        audit.unreadable.push(line);
      }
    }
    found.audit = audit;
  }
  if (found.series.size === 0 && found.unreadable.length === 0 && found.tempFiles.length === 0 && !found.audit) return undefined;
  return found;
}

/** The encrypted body with the plaintext merged in (a new object; `body` is not changed). */
export function mergePlaintext(body: CorrectionsBody, found: PlaintextFound): MigrationResult {
  const series: Record<string, StoredSeries> = { ...body.series };
  const history = [...body.history];
  const known = new Set(history.map((h) => keyOf(h.seriesInstanceUid, h)));
  let historyImported = 0;
  for (const e of found.audit?.entries ?? []) {
    const k = keyOf(e.seriesInstanceUid, e);
    if (known.has(k)) continue;
    known.add(k);
    history.push(e);
    historyImported++;
  }
  const previousUnreadable = body.unreadableImports ?? [];
  const unreadableImports = [...previousUnreadable, ...(found.audit?.unreadable ?? []).filter((l) => !previousUnreadable.includes(l))];
  let seriesImported = 0;
  let mismatched = 0;
  for (const [uid, s] of found.series) {
    if (series[uid]) continue; // already imported (a crash before the plaintext was removed) or corrected since
    const logged = history.filter((h) => h.seriesInstanceUid === uid).map((h) => keyOf(uid, h));
    const applied = s.corrections.map((c) => keyOf(uid, c));
    const mismatch = logged.length !== applied.length || logged.some((k, i) => k !== applied[i]);
    if (mismatch) mismatched++;
    series[uid] = {
      studyInstanceUid: s.studyInstanceUid,
      ...(s.rwvmSeriesInstanceUid ? { rwvmSeriesInstanceUid: s.rwvmSeriesInstanceUid } : {}),
      corrections: s.corrections,
      ...(mismatch ? { importMismatch: true as const } : {}),
    };
    seriesImported++;
  }
  return {
    body: { ...body, series, history, ...(unreadableImports.length ? { unreadableImports } : {}) },
    seriesImported,
    historyImported,
    mismatched,
  };
}

/** Removes the imported plaintext (call only once the encrypted copy is durable); unreadable files stay. */
export async function removePlaintext(suvDir: string, found: PlaintextFound): Promise<void> {
  const dir = path.join(suvDir, 'corrections');
  for (const s of found.series.values()) await fs.rm(s.file, { force: true });
  for (const f of found.tempFiles) await fs.rm(f, { force: true });
  if (found.audit) await fs.rm(found.audit.file, { force: true });
  await fsyncDir(dir);
  await fsyncDir(suvDir);
  // The folder itself goes when empty; an unreadable file left in it keeps it.
  await fs.rmdir(dir).catch(() => undefined);
}
