import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dicomwebPath, parseDicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import { isSafeUid } from '../../../../common/dicom/uid';

const S = '1.2.3';
const SE = '1.2.3.4';
const I = '1.2.3.4.5';

describe('DICOMweb paths', () => {
  it('parses every resource the gateway serves', () => {
    const cases: [string, string][] = [
      ['/studies', 'qidoStudies'],
      [`/studies/${S}/series`, 'qidoSeries'],
      [`/studies/${S}/instances`, 'qidoStudyInstances'],
      [`/studies/${S}/series/${SE}/instances`, 'qidoSeriesInstances'],
      [`/studies/${S}/series/${SE}/metadata`, 'seriesMetadata'],
      [`/studies/${S}/series/${SE}`, 'series'],
      [dicomwebPath.seriesRetrieve(S, SE), 'series'],
      [`/studies/${S}/series/${SE}/instances/${I}`, 'instance'],
      [`/studies/${S}/series/${SE}/instances/${I}/metadata`, 'instanceMetadata'],
      [`/studies/${S}/series/${SE}/instances/${I}/frames/1,3`, 'frames'],
      [`/studies/${S}/series/${SE}/instances/${I}/rendered`, 'rendered'],
      [`/studies/${S}/series/${SE}/instances/${I}/thumbnail`, 'rendered'],
    ];
    for (const [path, kind] of cases) {
      const r = parseDicomwebPath(path);
      expect(r.ok && r.route.kind, path).toBe(kind);
    }
    const series = parseDicomwebPath(`/studies/${S}/series/${SE}/`);
    expect(series.ok && series.route.kind === 'series' && [series.route.study, series.route.series]).toEqual([S, SE]);
    const frames = parseDicomwebPath(dicomwebPath.frames(S, SE, I, [1, 3]));
    expect(frames.ok && frames.route.kind === 'frames' && frames.route.frames).toEqual([1, 3]);
  });

  it('refuses malformed UIDs, traversal and bad frame lists with 400', () => {
    for (const bad of [
      '/studies/1.2.abc/series',
      '/studies/../series',
      '/studies/..%2f..%2fetc/series',
      '/studies/%2e%2e/series',
      `/studies/${S}/series/${SE}/instances/${I}/frames/0`,
      `/studies/${S}/series/${SE}/instances/${I}/frames/1,,2`,
      `/studies/${S}/series/${SE}/instances/${I}/frames/-1`,
      `/studies/${S}/series/%E0%A4%A/instances`,
      `/studies/${S}//series`,
    ]) {
      const r = parseDicomwebPath(bad);
      expect(r.ok, bad).toBe(false);
      expect(!r.ok && r.status, bad).toBe(400);
    }
  });

  it('never yields a route whose UIDs are unsafe, whatever the path (property)', () => {
    const seg = fc.oneof(fc.constantFrom('studies', 'series', 'instances', 'frames', 'metadata', '..', '.', '%2e%2e', '1.2.3', '1'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 9 }), (segs) => {
        const r = parseDicomwebPath(`/${segs.join('/')}`);
        if (!r.ok) return;
        const route = r.route as Record<string, unknown>;
        for (const key of ['study', 'series', 'instance']) {
          if (key in route) expect(isSafeUid(route[key])).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
