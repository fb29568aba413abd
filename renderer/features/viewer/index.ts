export { SeriesStrip } from './components/SeriesStrip';
export { ViewerPane } from './components/ViewerPane';
export { ViewerWorkspace, LAYOUTS, type LayoutId } from './components/ViewerWorkspace';
export { MprPane } from './components/MprPane';
