export { StudyBrowser } from './components/StudyBrowser';
export type { StudyBrowserProps } from './components/StudyBrowser';
