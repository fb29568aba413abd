/** Curved planar reformation (vessels, the dental arch): the public surface. Pure, isomorphic, patient mm throughout. */
export { CprError } from './cprError';
export { curvePath, pointAt, tangentAt, DEFAULT_STEP_MM, SAME_POINT_MM, type ArcLengthTable, type CurvePath, type CurvePathOptions } from './curvePath';
export { DEFAULT_UP, framesAt, initialNormal, rotationMinimizingFrames, transportFrame, type PathFrame, type SampledPath } from './pathFrames';
export {
  crossSection,
  straightenedCpr,
  stretchedCpr,
  DEFAULT_CROSS_SECTION_MM,
  DEFAULT_WIDTH_MM,
  type CprImage,
  type CprOptions,
  type CrossSectionImage,
  type CrossSectionOptions,
  type ReformatSampling,
  type SlabMode,
  type StraightenedCpr,
  type StretchedCpr,
} from './reformat';
export { trilinearSampler, type PatientSampler } from './trilinearSampler';
