import { describe, expect, it } from 'vitest';
import { moveSelection, sortStudies, toggleSort } from '../../../../../../renderer/features/worklist/model/studyTable';
import type { StudySummary } from '../../../../../../common/dicom/model';

const study = (uid: string, name: string, date: string, time = ''): StudySummary => ({
  studyInstanceUid: uid,
  patientName: { Alphabetic: name },
  patientNameText: name,
  patientId: uid,
  patientBirthDate: '',
  patientSex: '',
  studyDate: date,
  studyTime: time,
  studyDescription: '',
  accessionNumber: '',
  modalities: [],
});

describe('study table', () => {
  const list = [study('1', 'Sato', '20240101'), study('2', 'Abe', '20250301'), study('3', 'Kato', '20250301', '0900')];

  it('sorts newest first by default and by name on request', () => {
    expect(sortStudies(list, { key: 'studyDate', direction: 'desc' }).map((s) => s.studyInstanceUid)).toEqual(['3', '2', '1']);
    expect(sortStudies(list, { key: 'patientNameText', direction: 'asc' }).map((s) => s.patientNameText)).toEqual(['Abe', 'Kato', 'Sato']);
    expect(toggleSort({ key: 'patientNameText', direction: 'asc' }, 'patientNameText')).toEqual({ key: 'patientNameText', direction: 'desc' });
    expect(toggleSort({ key: 'patientNameText', direction: 'asc' }, 'studyDate')).toEqual({ key: 'studyDate', direction: 'desc' });
  });

  it('moves the keyboard selection within bounds', () => {
    expect(moveSelection(-1, 3, 'ArrowDown')).toBe(0);
    expect(moveSelection(2, 3, 'ArrowDown')).toBe(2);
    expect(moveSelection(0, 3, 'ArrowUp')).toBe(0);
    expect(moveSelection(1, 3, 'End')).toBe(2);
    expect(moveSelection(1, 0, 'ArrowDown')).toBe(-1);
  });
});
