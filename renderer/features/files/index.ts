export { FilePanel } from './components/FilePanel';
