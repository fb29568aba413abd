/** Sorting and keyboard selection for the study list. Pure; no React. */
import type { StudySummary } from '../../../../common/dicom/model';

export type StudySortKey = 'patientNameText' | 'patientId' | 'studyDate' | 'modalities' | 'studyDescription' | 'accessionNumber';
export interface StudySort {
  key: StudySortKey;
  direction: 'asc' | 'desc';
}

const text = (s: StudySummary, key: StudySortKey): string => (key === 'modalities' ? s.modalities.join('/') : s[key]) ?? '';

/** Newest first by default; ties broken by time then patient so the order is stable. */
export function sortStudies(studies: readonly StudySummary[], sort: StudySort): StudySummary[] {
  const factor = sort.direction === 'asc' ? 1 : -1;
  return [...studies].sort((a, b) => {
    const primary = text(a, sort.key).localeCompare(text(b, sort.key), 'ja');
    if (primary !== 0) return primary * factor;
    const time = `${a.studyDate}${a.studyTime}`.localeCompare(`${b.studyDate}${b.studyTime}`);
    if (time !== 0) return -time;
    return a.studyInstanceUid.localeCompare(b.studyInstanceUid);
  });
}

export function toggleSort(current: StudySort, key: StudySortKey): StudySort {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: key === 'studyDate' ? 'desc' : 'asc' };
}

/** Arrow/Home/End movement within a list of `count` rows; -1 means nothing selected. */
export function moveSelection(index: number, count: number, key: string): number {
  if (count === 0) return -1;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return index;
  }
}
