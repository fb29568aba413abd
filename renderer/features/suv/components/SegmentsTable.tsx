/**
 * The SUV panel's "Segments" table: SUVbw statistics inside each segment of the study's DICOM SEGs that segment
 * this PET series (useSegmentSuv), recomputed with the corrected factor. Shown only when there is such a SEG.
 */
import { formatSegmentSuv } from '../model/suvModel';
import type { SeriesSuv } from './useSeriesSuv';
import { useSegmentSuv } from './useSegmentSuv';

export function SegmentsTable({ suv }: { suv: SeriesSuv }) {
  const state = useSegmentSuv(suv.ids, suv.instances, suv.results, true);
  if (state.error) {
    return (
      <p role="alert" className="suv-error" data-testid="suv-segments-error">
        Segment statistics unavailable: {state.error}
      </p>
    );
  }
  if (state.loading && !state.tables.length) return <p className="muted" data-testid="suv-segments-loading">Reading segmentations…</p>;
  if (!state.tables.length) return null;
  return (
    <>
      {state.tables.map((t) => (
        <section key={t.segSopInstanceUid} data-testid="suv-segments" data-seg-uid={t.segSopInstanceUid}>
          <h3>Segments (SUVbw)</h3>
          {t.description ? <p className="muted">{t.description}</p> : null}
          <table className="suv-segments">
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col" title="Volume, ml">ml</th>
                <th scope="col" title="SUVmax">max</th>
                <th scope="col" title="SUVmean">mean</th>
                <th scope="col" title="SUVpeak: the highest mean of a 1 ml sphere centred in the segment">peak</th>
              </tr>
            </thead>
            <tbody>
              {t.segments.map((s) => (
                <tr key={s.segmentNumber} data-testid="suv-segment" data-segment={s.segmentNumber} data-voxels={s.voxels} title={s.reason ?? `${s.voxels} voxels`}>
                  {/* Labels wrap: the panel is narrow and the numbers must stay in view. */}
                  <th scope="row" style={{ whiteSpace: 'normal' }}>
                    {s.segmentNumber}. {s.label || '(no label)'}
                  </th>
                  <td>{s.volumeMl.toFixed(2)}</td>
                  <td data-testid="suv-segment-max">{formatSegmentSuv(s.suvbw.max)}</td>
                  <td data-testid="suv-segment-mean">{formatSegmentSuv(s.suvbw.mean)}</td>
                  <td data-testid="suv-segment-peak">{formatSegmentSuv(s.suvbw.peak)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {t.warnings.length ? (
            <ul className="suv-warnings">
              {t.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ))}
    </>
  );
}
