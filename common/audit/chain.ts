/**
 * The audit log's hash chain, and its verifier (pure: the service reads and decrypts, this decides).
 *
 * Each record links to the one before it: hash = SHA-256 over the canonical JSON array
 * [index, time, eventId, xml, prevHash] (UTF-8); the first record's prevHash is 64 zeros. eventId is covered
 * too, so no field of a record can change unseen. A separate head (the last index and its hash, rewritten
 * with each append) catches what a chain alone cannot: records cut off the end.
 *
 * The chain is not keyed: it shows what changed in a log the writer could read. Forging a whole consistent log
 * needs the encryption key as well (the service encrypts every record), and an off-site copy (syslog
 * forwarding, later) is what finally protects against someone holding that key.
 */
import { sha256Hex } from './sha256';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  index: number;
  /** When the record was appended, ISO 8601 UTC. */
  time: string;
  eventId: string;
  xml: string;
  prevHash: string;
  hash: string;
}

/** The last record as the head file remembers it. */
export interface ChainHead {
  lastIndex: number;
  hash: string;
}

/** A stored frame that could not be read back (not authentic under the key, or cut short). */
export interface UnreadableEntry {
  unreadable: true;
  reason: string;
}

export type LogEntry = AuditRecord | UnreadableEntry;

export interface ChainProblem {
  index: number;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  records: number;
  problems: ChainProblem[];
}

export function recordHash(r: Pick<AuditRecord, 'index' | 'time' | 'eventId' | 'xml' | 'prevHash'>): string {
  return sha256Hex(new TextEncoder().encode(JSON.stringify([r.index, r.time, r.eventId, r.xml, r.prevHash])));
}

/** The next record after `prev` (undefined for the first record of a log). */
export function linkRecord(prev: ChainHead | undefined, time: string, eventId: string, xml: string): AuditRecord {
  const index = prev ? prev.lastIndex + 1 : 0;
  const prevHash = prev ? prev.hash : GENESIS_HASH;
  return { index, time, eventId, xml, prevHash, hash: recordHash({ index, time, eventId, xml, prevHash }) };
}

function isUnreadable(e: LogEntry): e is UnreadableEntry {
  return (e as UnreadableEntry).unreadable === true;
}

/**
 * Checks a log given in file order against itself and (when given) its head. Each problem names the index of
 * the record concerned: the altered, duplicated, misplaced or unreadable record, or the first of a run of
 * missing ones. `head` is null when there is none: fine for an empty log, a problem for any other.
 */
export function verifyChain(entries: readonly LogEntry[], head: ChainHead | null): ChainReport {
  const problems: ChainProblem[] = [];
  // An unreadable frame stands for the record expected at its place: one past the last readable one before it.
  const placed: { index: number; record?: AuditRecord }[] = [];
  let lastIndex = -1;
  for (const e of entries) {
    if (isUnreadable(e)) {
      lastIndex += 1;
      placed.push({ index: lastIndex });
      problems.push({ index: lastIndex, reason: `unreadable (${e.reason})` });
    } else {
      placed.push({ index: e.index, record: e });
      lastIndex = e.index;
    }
  }

  const byIndex = new Map<number, AuditRecord[]>();
  for (const p of placed) {
    if (!p.record) continue;
    const list = byIndex.get(p.index) ?? [];
    list.push(p.record);
    byIndex.set(p.index, list);
  }
  const present = new Set(placed.map((p) => p.index));

  for (const p of placed) {
    const r = p.record;
    if (r && recordHash(r) !== r.hash) problems.push({ index: r.index, reason: 'edited (hash mismatch)' });
  }

  for (const [index, list] of byIndex) {
    if (list.length > 1 || (list.length === 1 && placed.filter((p) => p.index === index).length > 1)) {
      problems.push({ index, reason: `inserted (index ${index} appears ${placed.filter((p) => p.index === index).length} times)` });
    }
  }

  const maxIndex = placed.reduce((m, p) => Math.max(m, p.index), -1);
  for (let i = 0; i <= maxIndex; i++) {
    if (present.has(i)) continue;
    let j = i;
    while (j + 1 <= maxIndex && !present.has(j + 1)) j++;
    problems.push({ index: i, reason: i === j ? `removed (record ${i} is missing)` : `removed (records ${i}–${j} are missing)` });
    i = j;
  }

  // Order: a record is out of place when it is not where sorting by index would put it (a stable sort, so a
  // duplicate or a gap alone moves nothing).
  const sorted = placed.map((p, pos) => ({ ...p, pos })).sort((a, b) => a.index - b.index || a.pos - b.pos);
  sorted.forEach((s, at) => {
    if (s.pos !== at) problems.push({ index: s.index, reason: `reordered (stored at position ${s.pos}, belongs at ${at})` });
  });

  // Links: every readable record must name the hash of the record before it (by index, wherever it is stored).
  for (const p of placed) {
    const r = p.record;
    if (!r) continue;
    if (r.index === 0) {
      if (r.prevHash !== GENESIS_HASH) problems.push({ index: 0, reason: 'forged (the first record does not start the chain)' });
      continue;
    }
    const before = byIndex.get(r.index - 1);
    if (!before) continue; // missing or unreadable: reported above
    if (!before.some((b) => b.hash === r.prevHash)) {
      problems.push({ index: r.index, reason: `chain broken (prevHash does not match record ${r.index - 1}: that record was rewritten or this one forged)` });
    }
  }

  if (head) {
    if (head.lastIndex > maxIndex) {
      problems.push({ index: maxIndex + 1, reason: `truncated (records ${maxIndex + 1}–${head.lastIndex} are missing from the end)` });
    } else if (head.lastIndex < maxIndex) {
      problems.push({ index: head.lastIndex + 1, reason: `appended behind the head (records after ${head.lastIndex} were not written by the log)` });
    } else {
      const last = byIndex.get(head.lastIndex);
      if (last && !last.some((r) => r.hash === head.hash)) problems.push({ index: head.lastIndex, reason: 'tail replaced (the last record is not the one the head remembers)' });
    }
  } else if (placed.length > 0) {
    problems.push({ index: maxIndex, reason: 'head missing (a truncated tail could not be detected)' });
  }

  problems.sort((a, b) => a.index - b.index);
  return { ok: problems.length === 0, records: placed.length, problems };
}
