// The imaging surface the features use; cornerstone3D and vtk.js stay behind it.
export { StackViewport, type ViewState, type CineState, type StackViewportHandle, type ViewportProbe } from './react/StackViewport';
export { stackEntries, frameImageId, type StackEntry } from './imageIds';
export { sortInstancesForStack } from './stackOrder';
// Stack viewer: presets, keys, measurements, overlay helpers (pure).
export { WL_PRESETS, TOOLBAR_PRESETS, AUTO_WINDOW_KEY, type WindowPreset } from './stack/presets';
export { STACK_TOOLS, keyFor, CINE_FPS, type StackTool, type StackAction } from './stack/keymap';
export type { Measurement } from './stack/measurements';
export type { OrientationMarkers } from './stack/orientation';
export { slicePosition, formatMm } from './stack/slicePosition';
