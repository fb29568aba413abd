/**
 * Every message Dokuei can record, validated against the DICOM Audit Message Schema (PS3.15 A.5.1.1, RELAX NG,
 * test/fixtures/audit) with libxml2: one or more messages of each builder, with Japanese names, several
 * participant objects and failure outcomes, and the schema shown to refuse what it must.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as b from '../../../../common/audit/builders';
import { renderAuditMessage } from '../../../../common/audit/auditMessage';
import { EventId, EventTypeCode, Outcome, ParticipantObjectIdType } from '../../../../common/audit/codes';
import { auditSchemaErrors, validateAuditXml } from '../../../support/auditSchema';

const ctx: b.AuditContext = { application: 'dokuei@読影端末1', host: 'ws1.hospital.example', processId: 4242, user: { id: 'tanaka', name: '田中^花子' } };
const anonymous: b.AuditContext = { application: 'dokuei@ws2' };
const time = new Date('2025-03-01T09:30:00.000Z');
const ct: b.StudyRef = { uid: '1.2.392.200036.9116.2.5.1.37.2418725940.1', accession: 'ACC-001<&>', sopClasses: [{ uid: '1.2.840.10008.5.1.4.1.1.2', numberOfInstances: 275 }, { uid: '1.2.840.10008.5.1.4.1.1.128', numberOfInstances: 320 }] };
const prior: b.StudyRef = { uid: '1.2.392.200036.9116.2.5.1.37.2418725940.2' };
const yamada: b.PatientRef = { id: 'P-0001', name: '山田^太郎=ヤマダ^タロウ' };
const sato: b.PatientRef = { id: 'P&2', name: `佐藤^"次郎" <x>` };
const nameless: b.PatientRef = { id: 'P-0003' };
const pacs: b.NodeRef = { name: '院内PACS', address: 'https://pacs.hospital.example/dicom-web' };
const failed = { outcome: Outcome.MinorFailure, outcomeDescription: '接続が拒否されました (connection refused)' } as const;

/** Messages of each builder, success and failure; the keys must name every builder (checked below). */
const messages: Record<string, () => b.AuditEvent[]> = {
  applicationActivity: () => [b.applicationActivity(ctx, { kind: 'start', time }), b.applicationActivity(anonymous, { kind: 'stop', outcome: Outcome.SeriousFailure, outcomeDescription: 'crashed' })],
  auditLogUsed: () => [b.auditLogUsed(ctx, { logUri: 'file:///home/tanaka/.config/dokuei/audit/audit.log' }), b.auditLogUsed(anonymous, { logUri: 'file:///data/audit.log' })],
  userAuthentication: () => [
    b.userAuthentication(ctx, { kind: 'login', node: { name: 'idp.hospital.example', address: 'https://idp.hospital.example/token' } }),
    b.userAuthentication(ctx, { kind: 'login', user: { id: 'dr.suzuki', name: '鈴木' }, node: pacs, ...failed }),
    b.userAuthentication(anonymous, { kind: 'logout' }),
  ],
  query: () => [b.query(ctx, { node: pacs, keys: { PatientName: '山田*', ModalitiesInStudy: 'PT', StudyDate: undefined } }), b.query(anonymous, { node: { name: 'ORTHANC', address: '10.0.0.5' }, keys: {}, ...failed })],
  instancesTransferred: () => [
    b.instancesTransferred(ctx, { direction: 'retrieve', node: pacs, studies: [ct, prior], patients: [yamada] }),
    b.instancesTransferred(ctx, { direction: 'send', node: { name: 'STORESCP', address: 'pacs01' }, studies: [ct], patients: [yamada, sato], ...failed }),
  ],
  importInstances: () => [b.importInstances(ctx, { source: 'file:///media/cdrom/DICOMDIR', studies: [ct, prior], patients: [yamada, nameless] })],
  exportInstances: () => [b.exportInstances(ctx, { destination: 'file:///home/tanaka/registration.dcm', studies: [ct], patients: [yamada] }), b.exportInstances(anonymous, { destination: 'file:///tmp/out', studies: [], patients: [nameless], ...failed })],
  auditLogExported: () => [
    b.auditLogExported(ctx, { logUri: 'file:///data/audit/audit.log', destination: 'file:///home/tanaka/監査.xml', studies: [ct, prior], patients: [yamada, sato, nameless] }),
    b.auditLogExported(anonymous, { logUri: 'file:///data/audit/audit.log', destination: 'file:///tmp/empty.xml', studies: [], patients: [] }),
  ],
  instancesAccessed: () => [b.instancesAccessed(ctx, { action: 'D', study: ct, patient: yamada, what: 'Series deleted' })],
  studyOpened: () => [b.studyOpened(ctx, { study: ct, patient: yamada }), b.studyOpened(anonymous, { study: prior, patient: undefined, ...failed })],
  suvCorrectionSaved: () => [b.suvCorrectionSaved(ctx, { study: ct, patient: yamada, created: true }), b.suvCorrectionSaved(ctx, { study: ct, patient: nameless, created: false })],
  registrationSaved: () => [b.registrationSaved(ctx, { study: ct, patient: sato, created: true })],
  studyPinChanged: () => [b.studyPinChanged(ctx, { study: ct, patient: yamada, pinned: true }), b.studyPinChanged(ctx, { study: prior, patient: undefined, pinned: false })],
  studyDeleted: () => [b.studyDeleted(ctx, { study: ct, patient: yamada, reason: 'user' }), b.studyDeleted(anonymous, { study: prior, patient: nameless, reason: 'eviction', ...failed })],
  securityAlert: () => [b.securityAlert(ctx, { type: EventTypeCode.NodeAuthentication, subject: 'https://idp.hospital.example/token', description: 'トークン更新が拒否されました (invalid_grant)', outcome: Outcome.MinorFailure })],
  settingsChanged: () => [b.settingsChanged(ctx, { area: 'network', changed: ['nodes'] }), b.settingsChanged(ctx, { area: 'security', changed: ['archive key'] }), b.settingsChanged(anonymous, { area: 'software', changed: [] })],
};

describe('the DICOM audit schema', () => {
  it('has a case for every builder', () => {
    const builders = Object.entries(b)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(Object.keys(messages).sort()).toEqual(builders);
  });

  for (const [name, make] of Object.entries(messages)) {
    it(`accepts every ${name} message`, () => {
      for (const event of make()) expect(auditSchemaErrors(event.xml), event.xml).toEqual([]);
    });
  }

  it('accepts messages whatever the names, IDs and descriptions hold (control characters, markup, any script)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (name, id, what) => {
        const event = b.instancesAccessed({ ...ctx, user: { id, name } }, { action: 'U', study: { uid: id, accession: name }, patient: { id, name }, what });
        expect(auditSchemaErrors(event.xml)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  describe('refuses', () => {
    const valid = b.studyOpened(ctx, { study: ct, patient: yamada }).xml;

    it('a message without EventIdentification', () => {
      const xml = valid.replace(/<EventIdentification.*?<\/EventIdentification>/, '');
      expect(xml).not.toBe(valid);
      expect(auditSchemaErrors(xml).join('\n')).toMatch(/EventIdentification|ActiveParticipant/);
      expect(() => validateAuditXml(xml)).toThrow(/not valid against the DICOM audit schema/);
    });

    it("a code in RFC 3881's attributes (code/displayName) instead of csd-code/originalText", () => {
      const xml = renderAuditMessage({ eventId: EventId.Query, action: 'E', dateTime: time.toISOString(), outcome: 0, participants: [{ userId: 'app', userIsRequestor: true }], auditSourceId: 'src' }).replace(
        /<EventID csd-code="110112" codeSystemName="DCM" originalText="Query"\/>/,
        '<EventID code="110112" codeSystemName="DCM" displayName="Query"/>',
      );
      expect(xml).toContain('<EventID code=');
      expect(auditSchemaErrors(xml)).not.toEqual([]);
    });

    it('an outcome the schema does not list, and a time that is not an xsd:dateTime (one without a zone is)', () => {
      expect(auditSchemaErrors(valid.replace('EventOutcomeIndicator="0"', 'EventOutcomeIndicator="1"'))).not.toEqual([]);
      expect(auditSchemaErrors(valid.replace(/EventDateTime="[^"]*"/, 'EventDateTime="2025-03-01T09:30:00"'))).toEqual([]);
      expect(auditSchemaErrors(valid.replace(/EventDateTime="[^"]*"/, 'EventDateTime="yesterday"'))).not.toEqual([]);
    });

    it('a participant object with neither a name nor a query (CP-2399), which the serialiser never writes', () => {
      const xml = valid.replace(/<ParticipantObjectName>[^<]*<\/ParticipantObjectName>/g, '');
      expect(auditSchemaErrors(xml)).not.toEqual([]);
      // The study object has no name of its own: it is named by its UID.
      expect(valid).toContain(`<ParticipantObjectName>${ct.uid}</ParticipantObjectName>`);
    });

    it('a detail value that is not base64, and XML that is not well-formed', () => {
      const alert = b.securityAlert(ctx, { type: EventTypeCode.NodeAuthentication, subject: 'x', description: 'y' }).xml;
      expect(auditSchemaErrors(alert.replace(/value="[^"]*"/, 'value="not base64!"'))).not.toEqual([]);
      expect(auditSchemaErrors(valid.slice(0, -5))[0]).toMatch(/^not well-formed/);
    });

    it('an object ID type code without its meaning', () => {
      const xml = valid.replace(`originalText="${ParticipantObjectIdType.StudyInstanceUid.meaning}"`, '');
      expect(auditSchemaErrors(xml)).not.toEqual([]);
    });
  });
});
