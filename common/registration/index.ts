/** Rigid registration (issue #8): the public surface, for the CLI (Node) and the viewer's worker alike. */
export type { Initialization, LevelReport, Matrix4, RegistrationOptions, RegistrationProgress, RegistrationResult, RoiBox, StartPose, StartSearchReport, Vec3, Volume, VoxelArray } from './types';
export { AXIS_ROTATIONS, describeRotation, rotationAngleAxis } from './axisRotations';
export { RegistrationError, registerRigid, validateVolume } from './register';
export {
  affineToMatrix4,
  applyAffine,
  composeAffine,
  cubeCornerTre,
  indexToPatient,
  invertAffine,
  matrix4ToAffine,
  rigidAffine,
  rotationFromEuler,
  rotationFromVector,
  volumeCentre,
} from './affine';
export { mulberry32 } from './random';
export { resampleVolume } from './resample';
