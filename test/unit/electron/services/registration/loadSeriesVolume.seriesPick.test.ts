/** Picking one series of a folder (`DIR#SERIES`, --fixed-series) and the --roi argument of `dokuei register`. */
import { describe, expect, it } from 'vitest';
import { parseRoi } from '../../../../../electron/cli/registerCommand';
import { CliUsageError } from '../../../../../electron/cli/pacsCommands';
import { parseSeriesArgument, pickSeries, type SeriesSummary } from '../../../../../electron/services/registration/loadSeriesVolume';

const series: SeriesSummary[] = [
  { seriesInstanceUid: '1.2.3.1', description: 'AX FSE T2', modality: 'MR', instances: 55 },
  { seriesInstanceUid: '1.2.3.2', description: 'mocoMEMPRAGE_220FOV RMS', modality: 'MR', instances: 175 },
  { seriesInstanceUid: '1.2.3.3', description: 'AX FSE T2 FLAIR', modality: 'MR', instances: 30 },
];

describe('pickSeries', () => {
  it('picks by UID, by exact description, by a unique part of it (any case)', () => {
    expect(pickSeries(series, '1.2.3.3', 'd').seriesInstanceUid).toBe('1.2.3.3');
    expect(pickSeries(series, 'ax fse t2', 'd').seriesInstanceUid).toBe('1.2.3.1');
    expect(pickSeries(series, 'memprage', 'd').seriesInstanceUid).toBe('1.2.3.2');
    expect(pickSeries(series.slice(0, 1), undefined, 'd').seriesInstanceUid).toBe('1.2.3.1');
  });
  it('refuses with the candidates when ambiguous, absent or not given', () => {
    expect(() => pickSeries(series, 'FSE', 'd')).toThrow(/matches 2 series/);
    expect(() => pickSeries(series, 'DWI', 'd')).toThrow(/No series in d matches "DWI"/);
    expect(() => pickSeries(series, undefined, 'd')).toThrow(/holds 3 series.*AX FSE T2/);
    expect(() => pickSeries([], undefined, 'd')).toThrow(/no DICOM images/);
  });
  it('splits DIR#SERIES at the last # unless the path exists as written', async () => {
    expect(await parseSeriesArgument('/no/such/dir#AX FSE T2')).toEqual({ dir: '/no/such/dir', series: 'AX FSE T2' });
    expect(await parseSeriesArgument('/tmp')).toEqual({ dir: '/tmp' });
  });
});

describe('parseRoi', () => {
  it('reads six numbers into a min/max box, in any corner order', () => {
    expect(parseRoi('10,-20,30,-10,20,-30')).toEqual({ min: [-10, -20, -30], max: [10, 20, 30] });
  });
  it('refuses anything else as a usage error', () => {
    expect(() => parseRoi('1,2,3')).toThrow(CliUsageError);
    expect(() => parseRoi('1,2,3,4,5,x')).toThrow(CliUsageError);
    expect(() => parseRoi('1,2,3,1,5,6')).toThrow(/empty/);
  });
});
