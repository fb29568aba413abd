/** `dokuei audit …`: the command functions on a temp data folder, and the real command after an import. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationActivity, studyOpened, type AuditContext } from '../../../../common/audit/builders';
import { summarizeAuditXml } from '../../../../common/audit/summary';
import { parseXml } from '../../../../common/audit/xml';
import { auditCommand, type AuditListEntry } from '../../../../electron/cli/auditCommands';
import { CliUsageError } from '../../../../electron/cli/pacsCommands';
import { AuditLog } from '../../../../electron/services/audit/auditLog';
import { writeForwardingState } from '../../../../electron/services/audit/forwarding/forwardingState';
import { outcomeDescription, participantsWithRole, validateAuditXml } from '../../../support/auditTrail';
import { demoCtDir, dicomFilesIn, repoRoot } from '../../../support/data';
import { testArchiveEnv, testKeyProvider } from '../../../support/testArchive';
import { makeTempDir, removeDir } from '../../../support/tempDir';
import { inCliLanguage } from '../../../support/cliLanguage';

const ctx: AuditContext = { application: 'dokuei@test', user: { id: 'reader' } };

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, io: { out: (l: string) => void lines.push(l), err: (t: string) => void errors.push(t), isTty: false } };
}


describe('auditCommand', () => {
  let dataDir: string;
  let log: AuditLog;
  // The human-readable lines below are checked in English, whatever the locale of the machine running the tests.
  const callerLanguage = process.env.DOKUEI_LANG;
  beforeAll(() => {
    process.env.DOKUEI_LANG = 'en';
  });
  afterAll(() => {
    if (callerLanguage === undefined) delete process.env.DOKUEI_LANG;
    else process.env.DOKUEI_LANG = callerLanguage;
  });
  beforeAll(async () => {
    dataDir = await makeTempDir('dokuei-cli-audit-');
    log = await AuditLog.open(dataDir, { keyProvider: testKeyProvider(), context: ctx });
    await log.append(applicationActivity(ctx, { kind: 'start' }));
    await log.append(studyOpened(ctx, { study: { uid: '1.2.3' }, patient: { id: 'P<1>', name: '山田^太郎' } }));
  });
  afterAll(async () => {
    await log.close();
    await removeDir(dataDir);
  });

  it('ls --json lists summaries, and reading the log is itself recorded (Audit Log Used)', async () => {
    const c = capture();
    expect(await auditCommand(log, ctx, ['ls'], { json: true }, c.io)).toBe(0);
    const list = JSON.parse(c.lines.join('\n')) as AuditListEntry[];
    expect(list).toEqual([
      { index: 0, time: expect.any(String), eventId: '110100', eventType: 'Application Start', outcome: 0, user: 'reader' },
      { index: 1, time: expect.any(String), eventId: '110103', outcome: 0, user: 'reader', patientIds: ['P<1>'], studyUids: ['1.2.3'] },
    ]);
    const records = await log.records();
    expect(records.at(-1)!.eventId).toBe('110101');
  });

  it('show prints one record as XML; an unknown index exits 1, a non-number is a usage error', async () => {
    const c = capture();
    expect(await auditCommand(log, ctx, ['show', '1'], { json: false }, c.io)).toBe(0);
    expect(parseXml(c.lines[0]!).name).toBe('AuditMessage');
    expect(c.lines[0]).toContain('山田^太郎');
    expect(await auditCommand(log, ctx, ['show', '999'], { json: false }, capture().io)).toBe(1);
    await expect(auditCommand(log, ctx, ['show', 'x'], { json: false }, capture().io)).rejects.toThrow(CliUsageError);
    await expect(auditCommand(log, ctx, ['nope'], { json: false }, capture().io)).rejects.toThrow(CliUsageError);
  });

  it('export writes one well-formed document with every record and its chain fields, to stdout or --out', async () => {
    const c = capture();
    expect(await auditCommand(log, ctx, ['export'], { json: false }, c.io)).toBe(0);
    const doc = parseXml(c.lines.join('\n'));
    expect(doc.name).toBe('AuditLog');
    expect(doc.children.map((r) => r.attrs.index)).toEqual(['0', '1', '2', '3']);
    expect(doc.children[1]!.attrs.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.children[1]!.children[0]!.name).toBe('AuditMessage');
    const out = path.join(dataDir, 'export.xml');
    expect(await auditCommand(log, ctx, ['export'], { json: false, out }, capture().io)).toBe(0);
    expect(parseXml(await fs.readFile(out, 'utf8')).children.length).toBeGreaterThan(4);
  });

  it('export --out is an Export of the patients and studies the copy names, to the file; stdout is not', async () => {
    const before = (await log.records()).length;
    expect(await auditCommand(log, ctx, ['export'], { json: false }, capture().io)).toBe(0);
    expect((await log.records()).slice(before).map((r) => r.eventId)).toEqual(['110101']);

    const out = path.join(dataDir, '監査 export.xml');
    expect(await auditCommand(log, ctx, ['export'], { json: false, out }, capture().io)).toBe(0);
    const [used, exported, ...more] = (await log.records()).slice(before + 1);
    expect([used!.eventId, exported!.eventId, more]).toEqual(['110101', '110106', []]);
    validateAuditXml(exported!.xml);
    expect(summarizeAuditXml(exported!.xml)).toMatchObject({ action: 'R', outcome: 0, user: 'reader', patientIds: ['P<1>'], studyUids: ['1.2.3'] });
    expect(participantsWithRole(exported!.xml, '110154')).toEqual([pathToFileURL(out).href]);
    expect(exported!.xml).toContain('<ParticipantObjectName>山田^太郎</ParticipantObjectName>');
    expect(exported!.xml).toContain(`ParticipantObjectID="${log.uri}"`);

    // A write that fails is recorded too, as a failed Export, and the command fails.
    const nowhere = path.join(dataDir, 'no such folder', 'export.xml');
    await expect(auditCommand(log, ctx, ['export'], { json: false, out: nowhere }, capture().io)).rejects.toThrow(/ENOENT/);
    const failed = (await log.records()).at(-1)!;
    validateAuditXml(failed.xml);
    expect(summarizeAuditXml(failed.xml)).toMatchObject({ eventId: '110106', outcome: 4 });
    expect(outcomeDescription(failed.xml)).toMatch(/^could not write .*no such folder/);
  });

  it('verify --json prints exactly ok, records and problems', async () => {
    const c = capture();
    expect(await auditCommand(log, ctx, ['verify'], { json: true }, c.io)).toBe(0);
    const report = JSON.parse(c.lines[0]!) as { ok: boolean; records: number; problems: unknown[] };
    expect(Object.keys(report)).toEqual(['ok', 'records', 'problems']);
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.records).toBe((await log.records()).length);
  });

  it('forwarding --json says where forwarding stands: settings, cursor, queued records, last error; and reading it is not an Audit Log Used', async () => {
    const count = async () => (await log.records()).length;
    const n = await count();
    const off = capture();
    expect(await auditCommand(log, ctx, ['forwarding'], { json: true, forwarding: null }, off.io)).toBe(0);
    expect(JSON.parse(off.lines.join('\n'))).toEqual({ enabled: false, target: null, cursor: null, queued: n, forwarderPid: null });
    expect(await count()).toBe(n);

    const records = await log.records();
    await writeForwardingState(log.dir, {
      cursor: { index: records[1]!.index, hash: records[1]!.hash, offset: 0 },
      target: 'arr.hospital.example:6514',
      lastDeliveredAt: '2026-12-06T10:00:00.000Z',
      lastError: 'The audit repository arr.hospital.example:6514 refused the connection (is it running and listening there?)',
      lastErrorAt: '2026-12-06T10:05:00.000Z',
    });
    // Settings from the data folder's settings.json, as the command reads them.
    await fs.writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ audit: { forwarding: { enabled: true, host: 'arr.hospital.example', caFile: '/etc/dokuei/arr-ca.pem' } } }));
    const on = capture();
    expect(await auditCommand(log, ctx, ['forwarding'], { json: true }, on.io)).toBe(0);
    expect(JSON.parse(on.lines.join('\n'))).toMatchObject({ enabled: true, target: 'arr.hospital.example:6514', cursor: 1, queued: n - 2, forwarderPid: null, lastError: expect.stringMatching(/refused/) });
    const text = capture();
    expect(await auditCommand(log, ctx, ['forwarding'], { json: false }, text.io)).toBe(0);
    expect(text.lines.join('\n')).toContain('Forwarding:  on, to arr.hospital.example:6514');
    expect(text.lines.join('\n')).toContain(`Queued:      ${n - 2} record(s)`);
    expect(text.lines.join('\n')).toContain('Last error:  The audit repository arr.hospital.example:6514 refused the connection');
  });

  it('words verify, forwarding and usage errors in Japanese with DOKUEI_LANG=ja; --json and English stay as they were', async () => {
    const said = (lang: string) =>
      inCliLanguage(lang, async () => {
        const verify = capture();
        await auditCommand(log, ctx, ['verify'], { json: false }, verify.io);
        const json = capture();
        await auditCommand(log, ctx, ['verify'], { json: true }, json.io);
        const forwarding = capture();
        await auditCommand(log, ctx, ['forwarding'], { json: false, forwarding: null }, forwarding.io);
        const usage = await auditCommand(log, ctx, ['show', 'x'], { json: false }, capture().io).then(
          () => undefined,
          (err: unknown) => err,
        );
        return { verify: verify.lines, json: json.lines, forwarding: forwarding.lines, usage };
      });
    const ja = await said('ja');
    const en = await said('en');
    const n = (await log.records()).length;
    expect(ja.verify).toEqual([`${n} 件の記録：チェーンは損なわれていません。`]);
    expect((ja.usage as Error).message).toBe('audit show には記録の INDEX（数字）が必要です');
    expect(ja.usage).toBeInstanceOf(CliUsageError);
    // The values line up after the widest Japanese label (カーソルファイル：, 18 columns).
    expect(ja.forwarding[0]).toBe(`転送：${' '.repeat(13)}無効（settings.json の audit.forwarding で設定）`);
    expect(en.verify).toEqual([`${n} records: the chain is intact.`]);
    expect((en.usage as Error).message).toBe('audit show needs a record INDEX (a number)');
    expect(en.forwarding[0]).toBe('Forwarding:  off (set audit.forwarding in settings.json)');
    expect(ja.json).toEqual(en.json);
  });
});

describe('dokuei audit (the command, after dokuei import)', () => {
  const run = promisify(execFile);
  const bin = path.join(repoRoot, 'bin', 'dokuei.mjs');
  let dataDir: string;
  async function dokuei(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args, '--data-dir', dataDir], { env: { ...process.env, ...testArchiveEnv }, timeout: 60000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  beforeAll(async () => {
    dataDir = await makeTempDir('dokuei-cli-audit-run-');
  });
  afterAll(() => removeDir(dataDir));

  it('records the import with its patient and study, verifies clean, then fails verify when a record is cut out', async () => {
    expect((await dokuei(['import', '--json', ...dicomFilesIn(demoCtDir()).slice(0, 2)])).code).toBe(0);
    const ls = await dokuei(['audit', 'ls', '--json']);
    expect(ls.code).toBe(0);
    const list = JSON.parse(ls.stdout) as AuditListEntry[];
    expect(list).toEqual([expect.objectContaining({ index: 0, eventId: '110107', outcome: 0, patientIds: ['LIDC-IDRI-0314'], studyUids: [expect.stringMatching(/^[0-9.]+$/)] })]);
    // The import record as the command wrote it is a valid DICOM audit message.
    const shown = await dokuei(['audit', 'show', '0']);
    expect(shown.code).toBe(0);
    validateAuditXml(shown.stdout);
    const ok = await dokuei(['audit', 'verify', '--json']);
    expect(ok.code).toBe(0);
    // The import, and the two reads of the log (ls, show).
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, records: 3, problems: [] });

    // Cut the first record (the import) out of the file.
    const file = path.join(dataDir, 'audit', 'audit.log');
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(4 + bytes.readUInt32LE(0)));
    const bad = await dokuei(['audit', 'verify', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ ok: false, records: 2, problems: [{ index: 0, reason: expect.stringMatching(/^removed/) }] });
  });

  it('a command that opens the app services records Application Start and Application Stop', async () => {
    expect((await dokuei(['nodes', 'list', '--json'])).code).toBe(0);
    const list = JSON.parse((await dokuei(['audit', 'ls', '--json'])).stdout) as AuditListEntry[];
    expect(list.slice(-2).map((e) => [e.eventId, e.eventType])).toEqual([
      ['110100', 'Application Start'],
      ['110100', 'Application Stop'],
    ]);
  });
});
