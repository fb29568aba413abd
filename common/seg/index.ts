/** DICOM SEG → voxel masks on an image grid, and SUV statistics per segment (issue #7). Pure, isomorphic. */
export { binaryFrameBitOffsets, findPixelData, readSegHeader, segFrameValues, segToMasks, SegError } from './segToMask';
export type { SegFrame, SegHeader, SegMasks, SegmentMask, SegSegment, SegTargetGrid } from './segToMask';
export { segmentSuvStatistics, type SegmentSuvStatistics } from './segSuv';
