import { describe, expect, it } from 'vitest';
import * as b from '../../../../common/audit/builders';
import { summarizeAuditXml } from '../../../../common/audit/summary';

const ctx: b.AuditContext = { application: 'dokuei@ws1', user: { id: 'tanaka' } };

describe('summarizeAuditXml', () => {
  it('gives the event, its type, outcome, requestor, patients and studies of a message', () => {
    const xml = b.instancesTransferred(ctx, { direction: 'retrieve', node: { name: 'PACS' }, studies: [{ uid: '1.2.3' }, { uid: '1.2.4' }], patients: [{ id: 'P1', name: 'A^B' }], outcome: 4 }).xml;
    expect(summarizeAuditXml(xml)).toEqual({ eventId: '110104', action: 'C', outcome: 4, user: 'tanaka', patientIds: ['P1'], studyUids: ['1.2.3', '1.2.4'] });
    expect(summarizeAuditXml(b.applicationActivity({ application: 'dokuei@ws1' }, { kind: 'start' }).xml)).toEqual({ eventId: '110100', eventType: 'Application Start', action: 'E', outcome: 0, user: 'dokuei@ws1' });
  });

  it('refuses what is not an audit message', () => {
    expect(() => summarizeAuditXml('<Other/>')).toThrow('not an AuditMessage');
    expect(() => summarizeAuditXml('<AuditMessage>')).toThrow();
  });
});
