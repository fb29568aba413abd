// The imaging surface the features use; cornerstone3D and vtk.js stay behind it.
export { StackViewport, type ViewState } from './react/StackViewport';
export { stackEntries, frameImageId, type StackEntry } from './imageIds';
export { sortInstancesForStack } from './stackOrder';
