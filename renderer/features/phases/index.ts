// 4DCT (issue #17): a series of several respiratory phases shown phase by phase, as a cine, or projected over phases.
export { PhasesPane, type PhasesPaneProps } from './components/PhasesPane';
export { useStudyPhases, type StudyPhases } from './components/useStudyPhases';
export { phaseText } from './model/phaseWarningText';
