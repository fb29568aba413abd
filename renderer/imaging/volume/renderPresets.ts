/**
 * The volume-rendering presets a reader picks from, mapped to cornerstone's transfer functions
 * (CONSTANTS.VIEWPORT_PRESETS, which come from 3D Slicer's presets).
 */
export type SlabMode = 'none' | 'mip' | 'minip' | 'avg';

export interface VrPreset {
  /** cornerstone's preset name, also what the viewport's setProperties({ preset }) takes. */
  id: string;
  name: string;
  modality: 'CT' | 'MR';
}

export const VR_PRESETS: readonly VrPreset[] = [
  { id: 'CT-Bone', name: 'CT bone', modality: 'CT' },
  { id: 'CT-Soft-Tissue', name: 'CT soft tissue', modality: 'CT' },
  { id: 'CT-Lung', name: 'CT lung', modality: 'CT' },
  { id: 'CT-Chest-Vessels', name: 'CT angio (chest vessels)', modality: 'CT' },
  { id: 'CT-AAA', name: 'CT angio (aorta)', modality: 'CT' },
  { id: 'MR-Default', name: 'MR', modality: 'MR' },
  { id: 'MR-Angio', name: 'MR angio', modality: 'MR' },
];

export function defaultVrPreset(modality: string | undefined): string {
  return modality === 'MR' ? 'MR-Default' : 'CT-Bone';
}
