/** The audit log on disk: encrypted, chained, and every kind of tampering with the file found by verify. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { studyOpened, type AuditContext } from '../../../../../common/audit/builders';
import { linkRecord } from '../../../../../common/audit/chain';
import { summarizeAuditXml } from '../../../../../common/audit/summary';
import { encryptFrame } from '../../../../../electron/services/archive/crypto';
import { ArchiveKeyError } from '../../../../../electron/services/archive/keyProvider';
import { AuditLog } from '../../../../../electron/services/audit/auditLog';
import { loadAuditKey } from '../../../../../electron/services/audit/auditKey';
import { listFilesRecursively } from '../../../../../electron/services/store/listFiles';
import { testKeyProvider } from '../../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

const ctx: AuditContext = { application: 'dokuei@test', user: { id: 'tester' } };
const PATIENT = 'Yamada^Taro 山田';
const event = (i: number) => studyOpened(ctx, { study: { uid: `1.2.826.0.1.${i}` }, patient: { id: `PID-${i}`, name: PATIENT } });

let dataDir: string;
let log: AuditLog;
beforeEach(async () => {
  dataDir = await makeTempDir('dokuei-audit-');
  log = await AuditLog.open(dataDir, { keyProvider: testKeyProvider(), context: ctx });
});
afterEach(async () => {
  await log.close();
  await removeDir(dataDir);
});

async function appendN(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await log.append(event(i));
}

/** The byte ranges of the log's frames (u32 LE length prefix + body). */
async function frames(): Promise<{ bytes: Buffer; spans: [number, number][] }> {
  const bytes = await fs.readFile(log.file);
  const spans: [number, number][] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const end = pos + 4 + bytes.readUInt32LE(pos);
    spans.push([pos, end]);
    pos = end;
  }
  return { bytes, spans };
}

async function rewrite(parts: Buffer[]): Promise<void> {
  await fs.writeFile(log.file, Buffer.concat(parts));
}

describe('AuditLog', () => {
  it('appends records that read back in order and verify clean', async () => {
    await appendN(6);
    const records = await log.records();
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(summarizeAuditXml(records[3]!.xml)).toMatchObject({ eventId: '110103', patientIds: ['PID-3'], studyUids: ['1.2.826.0.1.3'] });
    expect(await log.verify()).toEqual({ ok: true, records: 6, problems: [] });
  });

  it('keeps nothing in clear on disk: no patient name, ID or study UID in any file of the audit folder', async () => {
    await appendN(3);
    for (const file of await listFilesRecursively(log.dir)) {
      const raw = (await fs.readFile(file)).toString('latin1');
      for (const secret of ['Yamada', 'PID-1', '1.2.826.0.1', 'AuditMessage', Buffer.from('山田').toString('latin1')]) expect(raw).not.toContain(secret);
    }
    expect((await fs.stat(log.file)).mode & 0o777).toBe(0o600);
  });

  it('serialises concurrent appends, also from two handles on the same folder (two processes)', async () => {
    const other = await AuditLog.open(dataDir, { keyProvider: testKeyProvider(), context: ctx });
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? other : log).append(event(i))));
    await other.close();
    expect((await log.records()).map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect((await log.verify()).ok).toBe(true);
  });

  describe('verify finds tampering with the file and names the record', () => {
    beforeEach(() => appendN(6));

    it('one byte edited: that record is unreadable (altered)', async () => {
      const { bytes, spans } = await frames();
      bytes[spans[2]![0] + 30]! ^= 0x01;
      await fs.writeFile(log.file, bytes);
      expect(await log.verify()).toEqual({ ok: false, records: 6, problems: [{ index: 2, reason: 'unreadable (altered)' }] });
    });

    it('a record deleted', async () => {
      const { bytes, spans } = await frames();
      await rewrite([bytes.subarray(0, spans[2]![0]), bytes.subarray(spans[2]![1])]);
      const report = await log.verify();
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([{ index: 2, reason: expect.stringMatching(/^removed/) }]);
    });

    it('a forged record inserted: garbage without the key, or an authentic one by someone holding it', async () => {
      const { bytes, spans } = await frames();
      const garbage = Buffer.alloc(60, 7);
      garbage.writeUInt32LE(56, 0);
      await rewrite([bytes.subarray(0, spans[3]![0]), garbage, bytes.subarray(spans[3]![0])]);
      expect((await log.verify()).problems.map((p) => p.index)).toEqual([3, 3]);

      const key = await loadAuditKey(log.dir, testKeyProvider());
      const records = await log.records();
      const forged = linkRecord({ lastIndex: 2, hash: records[2]!.hash }, records[2]!.time, '110103', '<AuditMessage/>');
      await rewrite([bytes.subarray(0, spans[3]![0]), encryptFrame(key, Buffer.from(JSON.stringify(forged))), bytes.subarray(spans[3]![0])]);
      const report = await log.verify();
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual({ index: 3, reason: expect.stringMatching(/^inserted/) });
    });

    it('two records swapped', async () => {
      const { bytes, spans } = await frames();
      const f = spans.map(([s, e]) => bytes.subarray(s, e));
      await rewrite([f[0]!, f[1]!, f[4]!, f[3]!, f[2]!, f[5]!]);
      const report = await log.verify();
      expect(report.problems.map((p) => [p.index, p.reason.split(' ')[0]])).toEqual([
        [2, 'reordered'],
        [4, 'reordered'],
      ]);
    });

    it('the tail truncated, at a record boundary or inside a record', async () => {
      const { bytes, spans } = await frames();
      await fs.writeFile(log.file, bytes.subarray(0, spans[4]![0]));
      expect((await log.verify()).problems).toEqual([{ index: 4, reason: expect.stringMatching(/^truncated/) }]);
      await fs.writeFile(log.file, bytes.subarray(0, spans[5]![0] + 10));
      const report = await log.verify();
      expect(report.ok).toBe(false);
      expect(report.problems[0]!.index).toBe(5);
    });

    it('the head replaced by garbage', async () => {
      await fs.writeFile(path.join(log.dir, 'head.enc'), Buffer.alloc(80, 1));
      expect((await log.verify()).problems).toEqual([{ index: 5, reason: 'head unreadable (altered)' }]);
    });

    it('after tampering, the next append records a Security Alert in the chain itself', async () => {
      const { bytes, spans } = await frames();
      await fs.writeFile(log.file, bytes.subarray(0, spans[4]![0]));
      await log.append(event(99));
      const records = await log.records();
      expect(records.slice(-2).map((r) => r.eventId)).toEqual(['110113', '110103']);
      const detail = /type="Alert Description" value="([^"]*)"/.exec(records.at(-2)!.xml)![1]!;
      expect(Buffer.from(detail, 'base64').toString()).toMatch(/shorter than its head remembers/);
      expect((await log.verify()).problems).toEqual([{ index: 4, reason: expect.stringMatching(/^removed \(records 4–5/) }]);
    });
  });

  describe('crash safety', () => {
    it('a record written before its head (crash between the two) verifies clean and is built on', async () => {
      await appendN(3);
      const key = await loadAuditKey(log.dir, testKeyProvider());
      const records = await log.records();
      const next = linkRecord({ lastIndex: 2, hash: records[2]!.hash }, new Date().toISOString(), '110103', event(3).xml);
      await fs.appendFile(log.file, encryptFrame(key, Buffer.from(JSON.stringify(next))));
      expect(await log.verify()).toEqual({ ok: true, records: 4, problems: [] });
      const r = await log.append(event(4));
      expect(r.index).toBe(4);
      expect(await log.verify()).toEqual({ ok: true, records: 5, problems: [] });
    });

    it('a torn frame after the last acknowledged record is not a problem, and is cut before the next append', async () => {
      await appendN(3);
      await fs.appendFile(log.file, Buffer.from([200, 0, 0, 0, 1, 2, 3]));
      expect((await log.verify()).ok).toBe(true);
      await log.append(event(3));
      expect(await log.verify()).toEqual({ ok: true, records: 4, problems: [] });
    });
  });

  it('readFrom reads the records after a byte offset with their spans, leaves out a torn tail, and always moves on', async () => {
    await appendN(3);
    const all = await log.readFrom(0);
    expect(all.frames.map((f) => f.record?.index)).toEqual([0, 1, 2]);
    expect(all.frames[0]!.start).toBe(0);
    expect(all.frames[2]!.end).toBe(all.size);
    const rest = await log.readFrom(all.frames[0]!.end);
    expect(rest.frames.map((f) => f.record?.hash)).toEqual(all.frames.slice(1).map((f) => f.record?.hash));
    // A budget smaller than one frame still yields that frame.
    expect((await log.readFrom(all.frames[1]!.start, 8)).frames.map((f) => f.record?.index)).toEqual([1]);
    // Half a frame at the end (an append in progress) is not a record yet.
    await fs.appendFile(log.file, (await fs.readFile(log.file)).subarray(0, 20));
    expect((await log.readFrom(all.frames[1]!.end)).frames.map((f) => f.record?.index)).toEqual([2]);
    expect((await log.readFrom(all.size + 20)).frames).toEqual([]);
  });

  it('refuses to open a log whose key is gone rather than start a new key over it', async () => {
    await appendN(1);
    await log.close();
    await fs.rm(path.join(dataDir, 'audit', 'key.json'));
    await expect(AuditLog.open(dataDir, { keyProvider: testKeyProvider(), context: ctx })).rejects.toThrow(ArchiveKeyError);
  });
});
