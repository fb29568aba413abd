/**
 * The SUV panel's "Segments" table: SUVbw statistics inside each segment of the study's DICOM SEGs that segment
 * this PET series (useSegmentSuv), recomputed with the corrected factor. Shown only when there is such a SEG.
 */
import { useTranslation } from '../../../ui/i18n';
import { formatSegmentSuv } from '../model/suvModel';
import { suvText } from '../model/suvReasonText';
import type { SeriesSuv } from './useSeriesSuv';
import { useSegmentSuv } from './useSegmentSuv';

export function SegmentsTable({ suv }: { suv: SeriesSuv }) {
  const { t } = useTranslation();
  const state = useSegmentSuv(suv.ids, suv.instances, suv.results, true);
  if (state.error) {
    return (
      <p role="alert" className="suv-error" data-testid="suv-segments-error">
        {t('suv.segmentsError', { error: state.error })}
      </p>
    );
  }
  if (state.loading && !state.tables.length) return <p className="muted" data-testid="suv-segments-loading">{t('suv.segmentsLoading')}</p>;
  if (!state.tables.length) return null;
  return (
    <>
      {state.tables.map((table) => (
        <section key={table.segSopInstanceUid} data-testid="suv-segments" data-seg-uid={table.segSopInstanceUid}>
          <h3>{t('suv.segmentsTitle')}</h3>
          {table.description ? <p className="muted">{table.description}</p> : null}
          <table className="suv-segments">
            <thead>
              <tr>
                <th scope="col">{t('suv.segment')}</th>
                <th scope="col" title={t('suv.volumeTitle')}>{t('suv.ml')}</th>
                <th scope="col" title={t('suv.maxTitle')}>{t('suv.max')}</th>
                <th scope="col" title={t('suv.meanTitle')}>{t('suv.mean')}</th>
                <th scope="col" title={t('suv.peakTitle')}>{t('suv.peak')}</th>
              </tr>
            </thead>
            <tbody>
              {table.segments.map((s) => (
                <tr key={s.segmentNumber} data-testid="suv-segment" data-segment={s.segmentNumber} data-voxels={s.voxels} title={s.reason !== undefined ? suvText(t, s.reason) : t('suv.voxels', { voxels: s.voxels })}>
                  {/* Labels wrap: the panel is narrow and the numbers must stay in view. */}
                  <th scope="row" style={{ whiteSpace: 'normal' }}>
                    {s.segmentNumber}. {s.label || t('suv.noLabel')}
                  </th>
                  <td>{s.volumeMl.toFixed(2)}</td>
                  <td data-testid="suv-segment-max">{formatSegmentSuv(s.suvbw.max)}</td>
                  <td data-testid="suv-segment-mean">{formatSegmentSuv(s.suvbw.mean)}</td>
                  <td data-testid="suv-segment-peak">{formatSegmentSuv(s.suvbw.peak)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {table.warnings.length ? (
            <ul className="suv-warnings">
              {table.warnings.map((w) => (
                <li key={w}>{suvText(t, w)}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ))}
    </>
  );
}
