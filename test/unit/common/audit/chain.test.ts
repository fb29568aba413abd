/** The hash chain: a clean log verifies; every kind of tampering is found, at the record it concerns. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, linkRecord, recordHash, verifyChain, type AuditRecord, type ChainHead, type LogEntry } from '../../../../common/audit/chain';

function makeLog(xmls: readonly string[]): { records: AuditRecord[]; head: ChainHead | null } {
  const records: AuditRecord[] = [];
  let head: ChainHead | undefined;
  xmls.forEach((xml, i) => {
    const r = linkRecord(head, new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), '110100', xml);
    records.push(r);
    head = { lastIndex: r.index, hash: r.hash };
  });
  return { records, head: head ?? null };
}

const xmls = fc.array(fc.string(), { minLength: 3, maxLength: 30 });
const problemIndices = (entries: LogEntry[], head: ChainHead | null) => verifyChain(entries, head).problems.map((p) => p.index);

describe('linkRecord', () => {
  it('starts at index 0 from 64 zeros and links each record to the hash of the one before', () => {
    const { records } = makeLog(['a', 'b']);
    expect(records[0]).toMatchObject({ index: 0, prevHash: GENESIS_HASH });
    expect(records[1]).toMatchObject({ index: 1, prevHash: records[0]!.hash });
    expect(records[1]!.hash).toBe(recordHash(records[1]!));
    expect(records[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('verifyChain', () => {
  it('passes any untouched log, and an empty one without a head', () => {
    fc.assert(
      fc.property(xmls, (x) => {
        const { records, head } = makeLog(x);
        expect(verifyChain(records, head)).toEqual({ ok: true, records: x.length, problems: [] });
      }),
    );
    expect(verifyChain([], null)).toEqual({ ok: true, records: 0, problems: [] });
  });

  it('finds an edited field of any record (xml, time or event id) and names that record', () => {
    fc.assert(
      fc.property(xmls, fc.nat(), fc.constantFrom('xml', 'time', 'eventId'), (x, n, field) => {
        const { records, head } = makeLog(x);
        const k = n % records.length;
        records[k] = { ...records[k]!, [field]: `${records[k]![field]}!` };
        const report = verifyChain(records, head);
        expect(report.ok).toBe(false);
        expect(report.problems).toEqual([{ index: k, reason: 'edited (hash mismatch)' }]);
      }),
    );
  });

  it('finds a record rewritten with a recomputed hash at the link to it', () => {
    fc.assert(
      fc.property(xmls, fc.nat(), (x, n) => {
        const { records, head } = makeLog(x);
        const k = n % (records.length - 1);
        const forged = { ...records[k]!, xml: 'forged' };
        records[k] = { ...forged, hash: recordHash(forged) };
        expect(problemIndices(records, head)).toEqual([k + 1]);
      }),
    );
  });

  it('finds a removed record, or a run of them, and names the first missing index', () => {
    fc.assert(
      fc.property(xmls, fc.nat(), fc.integer({ min: 1, max: 3 }), (x, n, count) => {
        const { records, head } = makeLog(x);
        const k = n % (records.length - 1); // not the last: that is a truncation
        const removed = Math.min(count, records.length - 1 - k);
        records.splice(k, removed);
        const report = verifyChain(records, head);
        expect(report.problems).toHaveLength(1);
        expect(report.problems[0]).toMatchObject({ index: k, reason: expect.stringMatching(/^removed/) });
      }),
    );
  });

  it('finds an inserted forged record, even one linked properly to the record before it', () => {
    fc.assert(
      fc.property(xmls, fc.nat(), fc.boolean(), (x, n, linked) => {
        const { records, head } = makeLog(x);
        const k = 1 + (n % (records.length - 1));
        const prev = records[k - 1]!;
        const forged = linkRecord(linked ? { lastIndex: prev.index, hash: prev.hash } : { lastIndex: k - 1, hash: 'f'.repeat(64) }, prev.time, '110103', '<AuditMessage/>');
        records.splice(k, 0, forged);
        const report = verifyChain(records, head);
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => p.index)).toContain(k);
        expect(report.problems.some((p) => p.index === k && p.reason.startsWith('inserted'))).toBe(true);
      }),
    );
  });

  it('finds two swapped records and names both', () => {
    fc.assert(
      fc.property(xmls, fc.nat(), fc.nat(), (x, a0, b0) => {
        const { records, head } = makeLog(x);
        const a = a0 % records.length;
        const b = b0 % records.length;
        fc.pre(a !== b);
        [records[a], records[b]] = [records[b]!, records[a]!];
        const report = verifyChain(records, head);
        expect(report.problems.every((p) => p.reason.startsWith('reordered'))).toBe(true);
        expect(report.problems.map((p) => p.index).sort((p, q) => p - q)).toEqual([Math.min(a, b), Math.max(a, b)]);
      }),
    );
  });

  it('finds a truncated tail through the head, naming the first record cut off', () => {
    fc.assert(
      fc.property(xmls, fc.integer({ min: 1, max: 5 }), (x, cut) => {
        const { records, head } = makeLog(x);
        const kept = Math.max(0, records.length - cut);
        expect(verifyChain(records.slice(0, kept), head).problems).toEqual([{ index: kept, reason: expect.stringMatching(/^truncated/) }]);
      }),
    );
  });

  it('finds a tail replaced by records the head does not know, and a log without a head', () => {
    const { records, head } = makeLog(['a', 'b', 'c']);
    const other = makeLog(['a', 'b', 'x']).records;
    expect(problemIndices([records[0]!, records[1]!, other[2]!], head)).toEqual([2]);
    expect(verifyChain(records, null).problems).toEqual([{ index: 2, reason: expect.stringMatching(/^head missing/) }]);
    const longer = makeLog(['a', 'b', 'c', 'd']).records;
    expect(verifyChain(longer, head).problems).toEqual([{ index: 3, reason: expect.stringMatching(/^appended behind the head/) }]);
  });

  it('reports an unreadable frame as the record at its place, without blaming its neighbours', () => {
    fc.assert(
      fc.property(xmls, fc.nat(), (x, n) => {
        const { records, head } = makeLog(x);
        const k = n % records.length;
        const entries: LogEntry[] = [...records];
        entries[k] = { unreadable: true, reason: 'altered' };
        expect(verifyChain(entries, head).problems).toEqual([{ index: k, reason: 'unreadable (altered)' }]);
      }),
    );
  });

  it('finds a first record that does not start from 64 zeros', () => {
    const r = linkRecord({ lastIndex: -1, hash: 'a'.repeat(64) }, '2025-01-01T00:00:00.000Z', '110100', 'x');
    expect(verifyChain([r], { lastIndex: 0, hash: r.hash }).problems).toEqual([{ index: 0, reason: expect.stringMatching(/^forged/) }]);
  });
});
