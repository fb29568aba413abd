/** The study's saved measurements and key images for a React component (one store per study, see studyReports.ts). */
import { useSyncExternalStore } from 'react';
import { pacsApi } from '../pacs/useSendTargets';
import type { DataPlane } from '../../platform/platform';
import { leaveAllStudyReports, studyReportsFor, type StudyReports, type StudyReportsSnapshot } from './studyReports';

// A change drawn in the last 600 ms before the window closes would otherwise be lost with the page.
if (typeof window !== 'undefined') window.addEventListener('pagehide', leaveAllStudyReports);

const EMPTY: StudyReportsSnapshot = { loaded: false, save: { kind: 'idle' }, keyImages: [], measurements: [], skipped: [] };
const noop = () => () => {};

export function useStudyReports(plane: DataPlane, studyInstanceUid: string | undefined): { store: StudyReports | undefined; snapshot: StudyReportsSnapshot } {
  const store = studyInstanceUid ? studyReportsFor(pacsApi, plane, studyInstanceUid) : undefined;
  const snapshot = useSyncExternalStore(store ? (l) => store.subscribe(l) : noop, () => store?.snapshot() ?? EMPTY);
  return { store, snapshot };
}
