// Curved MPR (issue #19): a path drawn on the MPR planes, its straightened and stretched CPR, the cross-section at
// the cursor and the path's length; the reformation itself is common/cpr.
export { CprPanel, type CprPanelProps } from './components/CprPanel';
export { CprPathLayer, type CprPathLayerProps } from './components/CprPathLayer';
export { useCurvedMpr, type CurvedMpr, type CurvedMprOptions, type CprVolumeSource, type CprHook, type CprMode, type CprStatus } from './components/useCurvedMpr';
export { type CurvedPathData, type PathPoint } from './model/curvedPath';
export { FALLBACK_WINDOW, type WindowLevel } from './model/cprImage';
