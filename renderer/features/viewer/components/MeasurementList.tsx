/** The measurements drawn on this series, with their values, and a delete button each. */
import type { Measurement } from '../../../imaging';

export interface MeasurementListProps {
  measurements: readonly Measurement[];
  onDelete: (uid: string) => void;
  onGoTo?: (m: Measurement) => void;
  /** PET: the SUV line of a measurement (its modality values × the slice's SUV factor), if any. */
  suvOf?: (m: Measurement) => string | undefined;
}

export function MeasurementList({ measurements, onDelete, suvOf }: MeasurementListProps) {
  return (
    <aside className="measurement-list" aria-label="Measurements" data-testid="measurement-list">
      <h2>Measurements</h2>
      {measurements.length === 0 ? (
        <p className="muted">None yet. Pick Length, Angle, Ellipse, Rectangle or Probe and draw on the image.</p>
      ) : (
        <ol>
          {measurements.map((m) => {
            const suv = suvOf?.(m);
            return (
            <li key={m.uid} data-testid="measurement" data-uid={m.uid} data-tool={m.tool}>
              <span className="m-text">
                <span className="m-num">{m.number}.</span> {m.text}
                {m.slice !== undefined ? <span className="m-slice"> · Im {m.slice}</span> : null}
                {suv ? (
                  <span className="m-suv" data-testid="measurement-suv">
                    {' '}
                    · {suv}
                  </span>
                ) : null}
              </span>
              <button type="button" className="m-delete" aria-label={`Delete measurement ${m.number}`} title="Delete (or select it and press Delete)" onClick={() => onDelete(m.uid)}>
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
