export { SeriesStrip } from './components/SeriesStrip';
export { ViewerPane } from './components/ViewerPane';
