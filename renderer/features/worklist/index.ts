export { StudyList } from './components/StudyList';
export type { StudyListProps } from './components/StudyList';
