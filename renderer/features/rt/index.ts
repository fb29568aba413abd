// RT review (issue #17): structure sets, doses and plans over a stack cell; the DVH engine is common/rt.
export { useRtReview, type RtReview, type RtReviewInput, type ShownPlane } from './components/useRtReview';
export { RtPlaneLayer } from './components/RtPlaneLayer';
export { useRtVolumeData, type RtVolumeData } from './components/useRtVolumeData';
export { useRtOverPlan, type RtOverPlan } from './components/useRtOverPlan';
