/** SUV engine (issue #7): pure, isomorphic; used by the viewer and the `dokuei suv` command. */
export { computeSuv, computeSeriesSuv, storedToSuv, averageCountRateOffset, SUV_TYPES } from './computeSuv';
export type { SuvFactors, SuvInput, SuvInputName, SuvInputSource, SuvOverrides, SuvResult, SuvType } from './computeSuv';
export { readSuvHeader, type SuvHeader } from './suvHeader';
export { normaliseSuvType, parseSuvType, SUV_TYPE_VALUES, type ParsedSuvType } from './suvType';
export { bsaDuBois, ibw, lbmJames, lbmJames128, lbmJanmahasatian, type Sex } from './bodySize';
export { combineDateTime, formatWallClock, parseDicomDate, parseDicomDateTime, parseDicomTime, parseIsoDateTime } from './dicomTime';
export { roiStatistics, sampleAt, sphereRadiusMm } from './roiStatistics';
export type { RoiShape, RoiStatistics, RoiStatisticsOptions } from './roiStatistics';
