// SUV: the recalculation panel (corrected inputs with provenance) and the readouts (Bq/ml × SUVbw factor).
export { SuvPanel, type SuvPanelProps } from './components/SuvPanel';
export { useSeriesSuv, type SeriesSuv, type SuvField } from './components/useSeriesSuv';
export { suvReadout, overlayLine, formatFactor, formatSuv } from './model/suvModel';
export { suvText } from './model/suvReasonText';
export { SegOutlineLayer } from './components/SegOutlineLayer';
export { useLoadedSeg, useSeriesSeg, type LoadedSeg } from './components/useSegmentSuv';
