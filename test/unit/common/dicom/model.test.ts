import { describe, expect, it } from 'vitest';
import { formatDicomDate, formatPersonName } from '../../../../common/dicom/dicomJson';
import { studyFromDicomJson } from '../../../../common/dicom/model';

describe('study model', () => {
  it('shows Japanese person names with their ideographic group', () => {
    expect(formatPersonName({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' })).toBe('Yamada Tarou (山田 太郎)');
    expect(formatPersonName({ Ideographic: '山田^太郎' })).toBe('山田 太郎');
    expect(formatPersonName({ Alphabetic: ' ' })).toBe('');
  });

  it('builds a study row from QIDO JSON, and refuses one without a UID', () => {
    const s = studyFromDicomJson({
      '0020000D': { vr: 'UI', Value: ['1.2.3'] },
      '00100020': { vr: 'LO', Value: ['LIDC-IDRI-0314'] },
      '00080020': { vr: 'DA', Value: ['20000101'] },
      '00080061': { vr: 'CS', Value: ['CT', 'SEG'] },
      '00201208': { vr: 'IS', Value: [34] },
    });
    expect(s).toMatchObject({ studyInstanceUid: '1.2.3', patientId: 'LIDC-IDRI-0314', studyDate: '20000101', modalities: ['CT', 'SEG'], numberOfInstances: 34 });
    expect(formatDicomDate(s!.studyDate)).toBe('2000-01-01');
    expect(studyFromDicomJson({ '00100020': { vr: 'LO', Value: ['X'] } })).toBeUndefined();
  });
});
