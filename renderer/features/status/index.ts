export { NodeHealthBar } from './components/NodeHealthBar';
export { JobsPanel } from './components/JobsPanel';
export { StoragePanel } from './components/StoragePanel';
export { insecureNodeIds } from './model/insecureNodes';
