export { SeriesStrip } from './components/SeriesStrip';
export { ViewerPane, type ViewerPaneHandle } from './components/ViewerPane';
export { ViewerWorkspace, LAYOUT_BUTTONS, type LayoutId } from './components/ViewerWorkspace';
export { loadBuiltInProtocols, withUserProtocols, hangStudy, pickPrior, matchPriorSeries, type Hanging, type LoadedProtocols } from './model/hanging';
export { MprPane } from './components/MprPane';
