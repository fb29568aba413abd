// What lasts of a reading (issue #19): the study's measurements and key images saved as DICOM SR / KO, loaded again.
export { studyReportsFor, changeKey, StudyReports, type KeyImage, type SaveState, type StudyReportsSnapshot } from './studyReports';
export { useStudyReports } from './useStudyReports';
export { measurementsCsv } from './model/measurementsCsv';
export { StudyMarksPanel } from './components/StudyMarksPanel';
