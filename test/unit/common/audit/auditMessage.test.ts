import { describe, expect, it } from 'vitest';
import { renderAuditMessage, type AuditMessage } from '../../../../common/audit/auditMessage';
import { EventId, ParticipantObjectIdType } from '../../../../common/audit/codes';
import { child, parseXml } from '../../../../common/audit/xml';

const base: AuditMessage = {
  eventId: EventId.Query,
  action: 'E',
  dateTime: '2025-01-01T00:00:00.000Z',
  outcome: 0,
  participants: [{ userId: 'app', userIsRequestor: true }],
  auditSourceId: 'src',
};

describe('renderAuditMessage', () => {
  it('writes an object query base64 in place of its name (the schema allows one of them)', () => {
    const xml = renderAuditMessage({ ...base, objects: [{ id: 'x', typeCode: 2, typeCodeRole: 24, idTypeCode: ParticipantObjectIdType.SopClassUid, name: 'ignored', query: 'a=<b>' }] });
    const o = child(parseXml(xml), 'ParticipantObjectIdentification')!;
    expect(o.children.map((c) => c.name)).toEqual(['ParticipantObjectIDTypeCode', 'ParticipantObjectQuery']);
    expect(Buffer.from(child(o, 'ParticipantObjectQuery')!.text, 'base64').toString()).toBe('a=<b>');
  });

  it('refuses a message without an active participant (the schema requires one)', () => {
    expect(() => renderAuditMessage({ ...base, participants: [] })).toThrow('at least one active participant');
  });
});
