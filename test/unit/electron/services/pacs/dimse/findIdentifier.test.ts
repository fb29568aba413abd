import { describe, expect, it } from 'vitest';
import { PATIENT_ROOT_FIND, QueryError, RETURN_KEYS, STUDY_ROOT_FIND, buildFindIdentifier, keywordFor } from '../../../../../../electron/services/pacs/dimse/findIdentifier';
import { retrieveIdentifier } from '../../../../../../electron/services/pacs/dimse/dimseRetrieve';

describe('C-FIND identifiers', () => {
  it('asks for the default return keys of the level, empty', () => {
    const { sopClassUid, elements } = buildFindIdentifier({ level: 'STUDY', filters: {} });
    expect(sopClassUid).toBe(STUDY_ROOT_FIND);
    expect(elements.QueryRetrieveLevel).toBe('STUDY');
    for (const key of ['StudyInstanceUID', 'PatientName', 'PatientID', 'StudyDate', 'AccessionNumber', 'ModalitiesInStudy', 'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances']) {
      expect(elements[key], key).toBe('');
    }
    expect(elements.SpecificCharacterSet).toBe('');
  });

  it('uses the Patient Root model at PATIENT level (Study Root has none)', () => {
    const { sopClassUid, elements } = buildFindIdentifier({ level: 'PATIENT', filters: { PatientName: 'YAMADA*' } });
    expect(sopClassUid).toBe(PATIENT_ROOT_FIND);
    expect(elements).toMatchObject({ QueryRetrieveLevel: 'PATIENT', PatientName: 'YAMADA*', PatientID: '' });
    expect(elements.StudyInstanceUID).toBeUndefined();
  });

  it('turns keyword and tag filters into matching keys, ranges and wildcards as given', () => {
    const { elements } = buildFindIdentifier({ level: 'STUDY', filters: { '00100020': 'ID?', StudyDate: '20240101-20240131', ModalitiesInStudy: 'CT\\MR' } });
    expect(elements).toMatchObject({ PatientID: 'ID?', StudyDate: '20240101-20240131', ModalitiesInStudy: 'CT\\MR' });
  });

  it('puts the parent UIDs in below STUDY level and insists on them', () => {
    const series = buildFindIdentifier({ level: 'SERIES', filters: {}, studyInstanceUid: '1.2.3' }).elements;
    expect(series).toMatchObject({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: '1.2.3', SeriesInstanceUID: '', Modality: '' });
    const image = buildFindIdentifier({ level: 'IMAGE', filters: {}, studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' }).elements;
    expect(image).toMatchObject({ StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.4', SOPInstanceUID: '', SOPClassUID: '', InstanceNumber: '' });
    expect(() => buildFindIdentifier({ level: 'SERIES', filters: {} })).toThrow(QueryError);
    expect(() => buildFindIdentifier({ level: 'IMAGE', filters: {}, studyInstanceUid: '1.2.3' })).toThrow(/series/);
  });

  it('says UTF-8 when a matching key is not ASCII', () => {
    expect(buildFindIdentifier({ level: 'PATIENT', filters: { PatientName: '山田*' } }).elements.SpecificCharacterSet).toBe('ISO_IR 192');
  });

  it('refuses keys that are no DICOM attribute, and ignores attempts to set the level', () => {
    expect(() => buildFindIdentifier({ level: 'STUDY', filters: { PatientNme: 'X' } })).toThrow(/Unknown query key "PatientNme"/);
    expect(buildFindIdentifier({ level: 'STUDY', filters: { QueryRetrieveLevel: 'IMAGE' } }).elements.QueryRetrieveLevel).toBe('STUDY');
  });

  it('knows every default return key', () => {
    for (const keys of Object.values(RETURN_KEYS)) for (const k of keys) expect(keywordFor(k), k).toBe(k);
    expect(keywordFor('0020000d')).toBe('StudyInstanceUID');
  });
});

describe('retrieve identifiers', () => {
  it('names the lowest level the request gives', () => {
    expect(retrieveIdentifier({ studyInstanceUid: '1.2' })).toEqual({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '1.2' });
    expect(retrieveIdentifier({ studyInstanceUid: '1.2', seriesInstanceUid: '1.3' })).toEqual({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: '1.2', SeriesInstanceUID: '1.3' });
    expect(retrieveIdentifier({ studyInstanceUid: '1.2', seriesInstanceUid: '1.3', sopInstanceUids: ['1.4', '1.5'] })).toEqual({
      QueryRetrieveLevel: 'IMAGE',
      StudyInstanceUID: '1.2',
      SeriesInstanceUID: '1.3',
      SOPInstanceUID: '1.4\\1.5',
    });
  });

  it('refuses malformed UIDs and instances without their series', () => {
    expect(() => retrieveIdentifier({ studyInstanceUid: '1.2*' })).toThrow(/Not a valid DICOM UID/);
    expect(() => retrieveIdentifier({ studyInstanceUid: '1.2', sopInstanceUids: ['1.4'] })).toThrow(/series/);
  });
});
