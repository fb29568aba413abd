/** PKCE values (RFC 7636 Appendix B) and the QIDO requests built for each query level. */
import { describe, expect, it } from 'vitest';
import { base64url, newCodeVerifier, newState, s256Challenge } from '../../../../../../electron/services/pacs/dicomweb/pkce';
import { countPath, groupPatients, INCLUDE_FIELDS, qidoPath, wadoPath } from '../../../../../../electron/services/pacs/dicomweb/qido';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes fresh, URL-safe verifiers of the allowed length and unguessable states', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => newCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const v of verifiers) expect(v).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(newState()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });
});

function parse(path: string): { path: string; params: URLSearchParams } {
  const u = new URL(path, 'http://x');
  return { path: u.pathname, params: u.searchParams };
}

describe('qidoPath', () => {
  it('queries studies with tags for known keywords, includefields, limit and no fuzzy matching', () => {
    const q = parse(qidoPath({ level: 'STUDY', filters: { PatientName: 'YAMADA*', StudyDate: '20240101-20240131', ModalitiesInStudy: 'CT' }, limit: 25 }));
    expect(q.path).toBe('/studies');
    expect(q.params.get('00100010')).toBe('YAMADA*');
    expect(q.params.get('00080020')).toBe('20240101-20240131');
    expect(q.params.get('00080061')).toBe('CT');
    expect(q.params.get('limit')).toBe('25');
    expect(q.params.get('fuzzymatching')).toBe('false');
    expect(q.params.getAll('includefield')).toEqual([...INCLUDE_FIELDS.STUDY]);
    expect(q.params.getAll('includefield')).toContain('00081030'); // StudyDescription, which QIDO omits by default
  });

  it('passes keywords it does not know as they are, and refuses keys that are neither', () => {
    expect(parse(qidoPath({ level: 'STUDY', filters: { InstitutionName: 'Tokyo*' } })).params.get('InstitutionName')).toBe('Tokyo*');
    expect(() => qidoPath({ level: 'STUDY', filters: { 'x&y': '1' } })).toThrow(RangeError);
  });

  it('goes below study level only with the UIDs it needs', () => {
    expect(parse(qidoPath({ level: 'SERIES', filters: { Modality: 'CT' }, studyInstanceUid: '1.2.3' })).path).toBe('/studies/1.2.3/series');
    expect(parse(qidoPath({ level: 'IMAGE', filters: {}, studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' })).path).toBe('/studies/1.2.3/series/1.2.3.4/instances');
    expect(parse(qidoPath({ level: 'IMAGE', filters: {}, studyInstanceUid: '1.2.3' })).path).toBe('/studies/1.2.3/instances');
    expect(() => qidoPath({ level: 'SERIES', filters: {} })).toThrow(/studyInstanceUid/);
  });

  it('emulates the patient level with an unlimited study query', () => {
    const q = parse(qidoPath({ level: 'PATIENT', filters: { PatientID: 'P*' }, limit: 2 }));
    expect(q.path).toBe('/studies');
    expect(q.params.get('limit')).toBeNull();
    expect(q.params.getAll('includefield')).toEqual(expect.arrayContaining(['00100010', '00100020', '00100030', '00100040']));
  });

  it('builds the count and WADO-RS paths', () => {
    expect(countPath('1.2', '1.2.3')).toEqual({ path: '/studies/1.2/series?0020000E=1.2.3&includefield=00201209', tag: '00201209' });
    expect(countPath('1.2').tag).toBe('00201208');
    expect(wadoPath('1.2')).toBe('/studies/1.2');
    expect(wadoPath('1.2', '1.2.3', '1.2.3.4')).toBe('/studies/1.2/series/1.2.3/instances/1.2.3.4');
  });
});

describe('groupPatients', () => {
  const st = (pid: string, name: string, uid: string) => ({
    '00100020': { vr: 'LO', Value: [pid] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: name }] },
    '0020000D': { vr: 'UI', Value: [uid] },
  });

  it('gives one row per Patient ID with its study count, and applies the limit to patients', () => {
    const rows = groupPatients([st('A', 'ONE', '1'), st('B', 'TWO', '2'), st('A', 'ONE', '3'), st('C', 'THREE', '4')], 2);
    expect(rows).toHaveLength(2);
    expect(rows[0]!['00100020']!.Value).toEqual(['A']);
    expect(rows[0]!['00201200']!.Value).toEqual([2]);
    expect(rows[0]!['0020000D']).toBeUndefined();
    expect(rows[1]!['00201200']!.Value).toEqual([1]);
  });
});
