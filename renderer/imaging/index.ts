// The imaging surface the features use; cornerstone3D and vtk.js stay behind it.
export { StackViewport, type ViewState, type CineState, type StackViewportHandle, type ViewportProbe } from './react/StackViewport';
export { stackEntries, frameImageId, type StackEntry } from './imageIds';
export { sortInstancesForStack } from './stackOrder';
// Stack viewer: presets, keys, measurements, overlay helpers (pure).
export { WL_PRESETS, TOOLBAR_PRESETS, AUTO_WINDOW_KEY, windowPresetById, type WindowPreset } from './stack/presets';
export { STACK_TOOLS, keyFor, CINE_FPS, type StackTool, type StackAction } from './stack/keymap';
export type { Measurement } from './stack/measurements';
export { trackingUidOf } from './stack/savedAnnotations';
export type { OrientationMarkers } from './stack/orientation';
export { slicePosition, formatMm } from './stack/slicePosition';
// Volumes: MPR 1+3, 3D, and what each loaded volume costs.
export { MprViewports, type MprViewState, type MprPlane } from './react/MprViewports';
export { planVolume, planVolumeForViewer, volumeBudgetBytes, type VolumePlanResult } from './volume/planVolume';
export { VR_PRESETS, defaultVrPreset, type SlabMode } from './volume/renderPresets';
export type { VolumeMemoryReport, TextureFormat } from './volume/volumeMemory';
export { halfFloatChosen, chooseHalfFloatTextures } from './volume/textureChoice';
// Decoded modality values of frames for views drawn on the CPU (the 4DCT phases).
export { loadFrameValues, type FrameValues } from './volume/phasePixels';
// Fusion of two series, and rigid registration in a worker.
export { FusionViewports, FUSION_COLORMAPS, type FusionMode, type FusionPlane, type FusionSettings } from './react/FusionViewports';
// PET/CT: the PET alone and its rotating MIP; canvas ↔ patient mm for layers over a plane (ROIs).
export { PetMipViewports } from './react/PetMipViewports';
export { planeProjectionOf, onPlaneChange, watchPlaneSampling, viewportElementIn, type PlaneProjection } from './react/planeProjection';
export { setViewportWindow, viewportWindow } from './volume/volumeWindow';
export { registerInWorker, type RegistrationRun } from './registration/registerInWorker';
export type { RegistrationVolume } from './volume/registrationVolume';
export { initImaging as prepareImaging } from './init';
