/**
 * An audit record as an RFC 5424 message in RFC 5425 octet-counted framing: what a repository parses back is the
 * record's XML, unchanged, under the header IHE ATNA expects; the framing holds for any XML and any chunking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { securityAlert, studyOpened, type AuditContext } from '../../../../../../common/audit/builders';
import { linkRecord, type AuditRecord } from '../../../../../../common/audit/chain';
import { EventTypeCode, Outcome } from '../../../../../../common/audit/codes';
import { formatSyslogMessage, frameOctetCounted, headerField, outcomeOf, rfc5424Timestamp } from '../../../../../../electron/services/audit/forwarding/syslogMessage';
import { OctetCountingDecoder, parseSyslogMessage } from '../../../../../support/syslogReceiver';

const ctx: AuditContext = { application: 'dokuei@test', host: 'ws1', user: { id: 'reader' } };
const origin = { hostname: 'ws1.hospital.example', procId: '4242' };

function recordOf(xml: string, eventId = '110103', time = '2026-12-06T10:00:00.123Z'): AuditRecord {
  return linkRecord(undefined, time, eventId, xml);
}

describe('formatSyslogMessage', () => {
  it('writes the RFC 5424 header IHE ITI-20 asks for, and the record XML as UTF-8 MSG with a BOM', () => {
    const event = studyOpened(ctx, { study: { uid: '1.2.3' }, patient: { id: 'P1', name: '山田^太郎=ヤマダ^タロウ' } });
    const record = recordOf(event.xml, event.eventId);
    const m = parseSyslogMessage(formatSyslogMessage(record, origin));
    expect(m).toMatchObject({
      pri: 85, // facility 10 (security/authorization) * 8 + severity 5 (notice)
      facility: 10,
      severity: 5,
      version: 1,
      timestamp: '2026-12-06T10:00:00.123Z',
      hostname: 'ws1.hospital.example',
      appName: 'dokuei',
      procId: '4242',
      msgId: 'IHE+RFC-3881',
      structuredData: '-',
    });
    expect([...m.msg.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(m.text).toBe(record.xml);
    expect(m.text).toContain('山田^太郎');
  });

  it('marks a failure outcome as a warning (severity 4), a success as a notice (5)', () => {
    const failed = securityAlert(ctx, { type: EventTypeCode.NodeAuthentication, subject: 'dicom://X@10.0.0.9', description: 'refused', outcome: Outcome.MinorFailure });
    const serious = securityAlert(ctx, { type: EventTypeCode.NodeAuthentication, subject: 'dicom://X@10.0.0.9', description: 'refused', outcome: Outcome.SeriousFailure });
    const ok = studyOpened(ctx, { study: { uid: '1.2.3' }, patient: undefined });
    expect(outcomeOf(failed.xml)).toBe(4);
    expect(parseSyslogMessage(formatSyslogMessage(recordOf(failed.xml, failed.eventId), origin)).severity).toBe(4);
    expect(parseSyslogMessage(formatSyslogMessage(recordOf(serious.xml, serious.eventId), origin)).severity).toBe(4);
    expect(parseSyslogMessage(formatSyslogMessage(recordOf(ok.xml, ok.eventId), origin)).severity).toBe(5);
  });

  it('keeps header fields to printable ASCII within their lengths, NILVALUE when nothing is left', () => {
    expect(headerField('ws 1.例え.example', 255)).toBe('ws1..example');
    expect(headerField('', 48)).toBe('-');
    expect(headerField('x'.repeat(300), 255)).toHaveLength(255);
    const m = parseSyslogMessage(formatSyslogMessage(recordOf('<AuditMessage/>'), { hostname: 'ホスト', procId: '' }));
    expect(m.hostname).toBe('-');
    expect(m.procId).toBe('-');
  });

  it('writes RFC 3339 timestamps as they are and normalises other dates to UTC', () => {
    expect(rfc5424Timestamp('2026-12-06T10:00:00.123Z')).toBe('2026-12-06T10:00:00.123Z');
    expect(rfc5424Timestamp('2026-12-06T19:00:00+09:00')).toBe('2026-12-06T19:00:00+09:00');
    expect(rfc5424Timestamp('Sun, 06 Dec 2026 10:00:00 GMT')).toBe('2026-12-06T10:00:00.000Z');
    expect(rfc5424Timestamp('not a date')).toBe('-');
  });
});

describe('frameOctetCounted', () => {
  it('prefixes the message with its length in octets, not characters', () => {
    const msg = Buffer.from('<85>1 - - dokuei - IHE+RFC-3881 - 山田', 'utf8');
    const framed = frameOctetCounted(msg);
    expect(framed.subarray(0, framed.indexOf(0x20)).toString()).toBe(String(msg.length));
    expect(msg.length).toBeGreaterThan('<85>1 - - dokuei - IHE+RFC-3881 - 山田'.length);
  });

  it('round-trips any XML (Japanese names, markup characters, newlines) through framing split into arbitrary chunks', () => {
    const name = fc.string({ unit: fc.constantFrom('山', '田', '太', '郎', 'ヤ', 'マ', 'ダ', '^', '=', '<', '>', '&', '"', ' ', '\n', 'é', '😀', 'a', '1'), maxLength: 40 });
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (names, cuts) => {
        const records = names.map((n, i) => recordOf(`<AuditMessage><Name v="${n}">${n}</Name></AuditMessage>`, String(110100 + i)));
        const stream = Buffer.concat(records.map((r) => frameOctetCounted(formatSyslogMessage(r, origin))));
        const decoder = new OctetCountingDecoder();
        const got: string[] = [];
        let pos = 0;
        for (let i = 0; pos < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          for (const m of decoder.push(stream.subarray(pos, pos + size))) got.push(parseSyslogMessage(m).text!);
          pos += size;
        }
        expect(decoder.leftover).toBe(0);
        expect(got).toEqual(records.map((r) => r.xml));
      }),
      { numRuns: 200 },
    );
  });

  it('the test receiver refuses what is not octet counting (so the round trip above can fail)', () => {
    expect(() => new OctetCountingDecoder().push(Buffer.from('<85>1 2026-12-06T10:00:00Z h dokuei - - -\n'))).toThrow(/MSG-LEN/);
    expect(() => parseSyslogMessage(Buffer.from('<85> 2026-12-06T10:00:00Z h a p m -'))).toThrow(/PRI\/VERSION/);
  });
});
