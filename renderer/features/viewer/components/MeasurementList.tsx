/** The measurements drawn on this series, with their values, and a delete button each. */
import type { Measurement } from '../../../imaging';
import { useTranslation } from '../../../ui/i18n';

export interface MeasurementListProps {
  measurements: readonly Measurement[];
  onDelete: (uid: string) => void;
  onGoTo?: (m: Measurement) => void;
  /** PET: the SUV line of a measurement (its modality values × the slice's SUV factor), if any. */
  suvOf?: (m: Measurement) => string | undefined;
}

export function MeasurementList({ measurements, onDelete, suvOf }: MeasurementListProps) {
  const { t } = useTranslation();
  return (
    <aside className="measurement-list" aria-label={t('stack.measurements')} data-testid="measurement-list">
      <h2>{t('stack.measurements')}</h2>
      {measurements.length === 0 ? (
        <p className="muted">{t('stack.noMeasurements')}</p>
      ) : (
        <ol>
          {measurements.map((m) => {
            const suv = suvOf?.(m);
            return (
            <li key={m.uid} data-testid="measurement" data-uid={m.uid} data-tool={m.tool}>
              <span className="m-text">
                <span className="m-num">{m.number}.</span> {m.text}
                {m.slice !== undefined ? <span className="m-slice">{` · ${t('stack.measurementSlice', { n: m.slice })}`}</span> : null}
                {suv ? (
                  <span className="m-suv" data-testid="measurement-suv">
                    {' '}
                    · {suv}
                  </span>
                ) : null}
              </span>
              <button type="button" className="m-delete" aria-label={t('stack.deleteMeasurement', { n: m.number })} title={t('stack.deleteTitle')} onClick={() => onDelete(m.uid)}>
                ×
              </button>
            </li>
            );
          })}
        </ol>
      )}
    </aside>
  );
}
