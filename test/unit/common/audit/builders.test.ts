/** Each builder's message, read back as a receiving audit repository would read it. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as b from '../../../../common/audit/builders';
import { child, childrenNamed, parseXml, xmlSafe, type XmlElement } from '../../../../common/audit/xml';

const ctx: b.AuditContext = { application: 'dokuei@ws1', host: 'ws1', processId: 4242, user: { id: 'tanaka', name: '田中' } };
const anonymous: b.AuditContext = { application: 'dokuei@ws1' };
const time = new Date('2025-03-01T09:30:00.000Z');
const study: b.StudyRef = { uid: '1.2.3.4', accession: 'ACC<1>', sopClasses: [{ uid: '1.2.840.10008.5.1.4.1.1.128', numberOfInstances: 12 }] };
const patient: b.PatientRef = { id: 'P&1', name: `山田^太郎 "<x>"` };

function read(event: b.AuditEvent) {
  const root = parseXml(event.xml);
  const ev = child(root, 'EventIdentification')!;
  const code = (el: XmlElement | undefined) => el && { code: el.attrs['csd-code'], system: el.attrs.codeSystemName, meaning: el.attrs.originalText };
  return {
    root,
    eventId: code(child(ev, 'EventID')),
    action: ev.attrs.EventActionCode,
    outcome: ev.attrs.EventOutcomeIndicator,
    dateTime: ev.attrs.EventDateTime,
    types: childrenNamed(ev, 'EventTypeCode').map((t) => t.attrs['csd-code']),
    description: child(ev, 'EventOutcomeDescription')?.text,
    participants: childrenNamed(root, 'ActiveParticipant').map((p): Record<string, unknown> => ({ ...p.attrs, roles: childrenNamed(p, 'RoleIDCode').map((r) => r.attrs['csd-code']), media: child(p, 'MediaIdentifier') ? child(child(p, 'MediaIdentifier')!, 'MediaType')!.attrs['csd-code'] : undefined })),
    source: child(root, 'AuditSourceIdentification')!,
    objects: childrenNamed(root, 'ParticipantObjectIdentification').map((o) => ({
      id: o.attrs.ParticipantObjectID,
      type: o.attrs.ParticipantObjectTypeCode,
      role: o.attrs.ParticipantObjectTypeCodeRole,
      idType: child(o, 'ParticipantObjectIDTypeCode')!.attrs['csd-code'],
      name: child(o, 'ParticipantObjectName')?.text,
      query: child(o, 'ParticipantObjectQuery')?.text,
      details: childrenNamed(o, 'ParticipantObjectDetail').map((d) => ({ type: d.attrs.type, value: Buffer.from(d.attrs.value!, 'base64').toString('utf8') })),
      sopClasses: childrenNamed(child(o, 'ParticipantObjectDescription') ?? { name: '', attrs: {}, children: [], text: '' }, 'SOPClass').map((s) => s.attrs),
    })),
  };
}

describe('every message', () => {
  it('has the schema order, the source and the event time', () => {
    const m = read(b.studyOpened(ctx, { study, patient, time }));
    expect(m.root.children.map((c) => c.name)).toEqual(['EventIdentification', 'ActiveParticipant', 'ActiveParticipant', 'AuditSourceIdentification', 'ParticipantObjectIdentification', 'ParticipantObjectIdentification']);
    expect(m.dateTime).toBe('2025-03-01T09:30:00.000Z');
    expect(m.source.attrs.AuditSourceID).toBe('dokuei@ws1');
    expect(child(m.source, 'AuditSourceTypeCode')!.attrs['csd-code']).toBe('1');
    expect(m.participants[0]).toMatchObject({ UserID: 'dokuei@ws1', AlternativeUserID: '4242', UserIsRequestor: 'false', NetworkAccessPointID: 'ws1', NetworkAccessPointTypeCode: '1' });
    expect(m.participants[1]).toMatchObject({ UserID: 'tanaka', UserName: '田中', UserIsRequestor: 'true' });
  });

  it('makes the application the requestor when no user is known', () => {
    const m = read(b.studyOpened(anonymous, { study, patient }));
    expect(m.participants).toHaveLength(1);
    expect(m.participants[0]).toMatchObject({ UserID: 'dokuei@ws1', UserIsRequestor: 'true' });
  });

  it('keeps any patient name and ID exactly (escaped, well-formed), whatever they contain', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (name, id) => {
        const m = read(b.studyOpened(ctx, { study, patient: { id, name } }));
        const p = m.objects.find((o) => o.role === '1')!;
        expect(p.name).toBe(xmlSafe(name));
        expect(p.id).toBe(xmlSafe(id));
      }),
      { numRuns: 300 },
    );
  });
});

describe('builders', () => {
  it('applicationActivity: 110100 with Application Start/Stop, the user as Application Launcher', () => {
    const start = read(b.applicationActivity(ctx, { kind: 'start' }));
    expect(start.eventId).toEqual({ code: '110100', system: 'DCM', meaning: 'Application Activity' });
    expect(start).toMatchObject({ action: 'E', outcome: '0', types: ['110120'] });
    expect(start.participants.map((p) => p.roles)).toEqual([['110150'], ['110151']]);
    expect(read(b.applicationActivity(ctx, { kind: 'stop' })).types).toEqual(['110121']);
    expect(b.applicationActivity(ctx, { kind: 'stop' }).eventId).toBe('110100');
  });

  it('auditLogUsed: 110101, read, the log as a security resource named by URI', () => {
    const m = read(b.auditLogUsed(ctx, { logUri: 'file:///data/audit/audit.log' }));
    expect(m.eventId?.code).toBe('110101');
    expect(m.action).toBe('R');
    expect(m.objects).toEqual([expect.objectContaining({ id: 'file:///data/audit/audit.log', type: '2', role: '13', idType: '12', name: 'Security Audit Log' })]);
  });

  it('userAuthentication: 110114 with Login/Logout; a failed login keeps its failure outcome', () => {
    const m = read(b.userAuthentication(ctx, { kind: 'login', user: { id: 'dr.who' }, outcome: 4, outcomeDescription: 'bad password', node: { name: 'PACS', address: 'https://pacs.example/dicom-web' } }));
    expect(m).toMatchObject({ action: 'E', outcome: '4', types: ['110122'], description: 'bad password' });
    expect(m.participants[0]).toMatchObject({ UserID: 'dr.who', UserIsRequestor: 'true' });
    expect(m.participants[2]).toMatchObject({ UserID: 'PACS', NetworkAccessPointTypeCode: '5', roles: ['110152'] });
    expect(read(b.userAuthentication(ctx, { kind: 'logout', user: { id: 'dr.who' } })).types).toEqual(['110123']);
    // Without a user of its own, the person is the context's user; with none at all, the application asks.
    expect(read(b.userAuthentication(ctx, { kind: 'login' })).participants[0]).toMatchObject({ UserID: 'tanaka', UserName: '田中', UserIsRequestor: 'true' });
    expect(read(b.userAuthentication(anonymous, { kind: 'logout' })).participants).toEqual([expect.objectContaining({ UserID: 'dokuei@ws1', UserIsRequestor: 'true' })]);
  });

  it('auditLogExported: 110106 (R) of the log and the patients and studies it names, to Destination Media', () => {
    const m = read(b.auditLogExported(ctx, { logUri: 'file:///data/audit/audit.log', destination: 'file:///home/tanaka/audit.xml', studies: [study], patients: [patient, { id: 'P2' }] }));
    expect(m).toMatchObject({ eventId: { code: '110106' }, action: 'R', outcome: '0' });
    expect(m.participants.at(-1)).toMatchObject({ UserID: 'file:///home/tanaka/audit.xml', roles: ['110154'], media: '110037' });
    expect(m.objects.map((o) => [o.id, o.role, o.name])).toEqual([
      ['file:///data/audit/audit.log', '13', 'Security Audit Log'],
      ['1.2.3.4', '3', '1.2.3.4'],
      ['P&1', '1', patient.name],
      ['P2', '1', 'P2'],
    ]);
  });

  it('query: 110112 with the keys as issued, base64, against the Study Root FIND SOP Class', () => {
    const m = read(b.query(ctx, { node: { name: 'PACS', address: '10.0.0.5' }, keys: { PatientName: '山田*', ModalitiesInStudy: 'PT', StudyDate: undefined } }));
    expect(m).toMatchObject({ action: 'E', eventId: { code: '110112' } });
    const o = m.objects[0]!;
    expect(o).toMatchObject({ id: '1.2.840.10008.5.1.4.1.2.2.1', type: '2', role: '24', idType: '110181' });
    expect(Buffer.from(o.query!, 'base64').toString('utf8')).toBe(`PatientName=${encodeURIComponent('山田*')}&ModalitiesInStudy=PT`);
    expect(m.participants.map((p) => p.roles)).toEqual([['110153'], ['110152'], []]);
    expect(m.participants[1]).toMatchObject({ UserID: 'PACS', NetworkAccessPointID: '10.0.0.5', NetworkAccessPointTypeCode: '2' });
  });

  it('instancesTransferred: a retrieve creates (C) from the node as source; a send reads (R) to it as destination', () => {
    const r = read(b.instancesTransferred(ctx, { direction: 'retrieve', node: { name: 'PACS' }, studies: [study], patients: [patient] }));
    expect(r).toMatchObject({ eventId: { code: '110104' }, action: 'C' });
    expect(r.participants.map((p) => [p.UserID, p.roles])).toEqual([['PACS', ['110153']], ['dokuei@ws1', ['110152']], ['tanaka', []]]);
    expect(r.objects[0]).toMatchObject({ id: '1.2.3.4', type: '2', role: '3', idType: '110180', sopClasses: [{ UID: '1.2.840.10008.5.1.4.1.1.128', NumberOfInstances: '12' }] });
    expect(r.objects[1]).toMatchObject({ id: 'P&1', type: '1', role: '1', idType: '2', name: patient.name });
    const s = read(b.instancesTransferred(ctx, { direction: 'send', node: { name: 'PACS' }, studies: [study], patients: [patient] }));
    expect(s.action).toBe('R');
    expect(s.participants.map((p) => p.roles)).toEqual([['110152'], ['110153'], []]);
  });

  it('importInstances / exportInstances: 110107 (C) from Source Media, 110106 (R) to Destination Media', () => {
    const i = read(b.importInstances(ctx, { source: '/media/cd', studies: [study], patients: [patient] }));
    expect(i).toMatchObject({ eventId: { code: '110107' }, action: 'C' });
    expect(i.participants.at(-1)).toMatchObject({ UserID: '/media/cd', roles: ['110155'], media: '110037' });
    const e = read(b.exportInstances(ctx, { destination: '/tmp/out', studies: [study], patients: [patient] }));
    expect(e).toMatchObject({ eventId: { code: '110106' }, action: 'R' });
    expect(e.participants.at(-1)).toMatchObject({ UserID: '/tmp/out', roles: ['110154'] });
  });

  it('studyOpened, suvCorrectionSaved, registrationSaved: 110103 with R, C or U and what was done', () => {
    expect(read(b.studyOpened(ctx, { study, patient }))).toMatchObject({ eventId: { code: '110103' }, action: 'R', description: undefined });
    expect(read(b.suvCorrectionSaved(ctx, { study, patient, created: true }))).toMatchObject({ action: 'C', description: 'SUV correction saved' });
    expect(read(b.suvCorrectionSaved(ctx, { study, patient, created: false })).action).toBe('U');
    expect(read(b.registrationSaved(ctx, { study, patient, created: false }))).toMatchObject({ action: 'U', description: 'Registration saved' });
  });

  it('studyPinChanged and studyDeleted: a retention update (110103 U), a deletion (110105 D) saying why', () => {
    expect(read(b.studyPinChanged(ctx, { study, patient, pinned: true }))).toMatchObject({ eventId: { code: '110103' }, action: 'U', description: 'Pinned: kept from eviction' });
    const d = read(b.studyDeleted(ctx, { study, patient, reason: 'eviction' }));
    expect(d).toMatchObject({ eventId: { code: '110105' }, action: 'D', description: 'Evicted to stay within the archive quota' });
    expect(d.objects.map((o) => o.id)).toEqual(['1.2.3.4', 'P&1']);
  });

  it('settingsChanged and securityAlert: 110113 typed by area, with an Alert Description naming what changed', () => {
    const n = read(b.settingsChanged(ctx, { area: 'network', changed: ['nodes'] }));
    expect(n).toMatchObject({ eventId: { code: '110113' }, action: 'E', outcome: '0', types: ['110128'] });
    expect(n.objects[0]).toMatchObject({ id: 'dokuei:settings', role: '13', idType: '12', details: [{ type: 'Alert Description', value: 'Settings changed: nodes' }] });
    expect(read(b.settingsChanged(ctx, { area: 'security', changed: ['archive key'] })).types).toEqual(['110129']);
    expect(read(b.settingsChanged(ctx, { area: 'software', changed: ['archive.quotaGb'] })).types).toEqual(['110131']);
    const a = read(b.securityAlert(ctx, { type: { code: '110126', system: 'DCM', meaning: 'Node Authentication' }, subject: 'https://pacs', description: 'TLS certificate rejected', outcome: 8 }));
    expect(a).toMatchObject({ outcome: '8', types: ['110126'] });
  });
});
