/**
 * A TID 1500 measurement report's measurements at a glance, above its tree (issue #19): one row per Measurement Group
 * with its name (tracking identifier or label), finding, site, values with units, and the image it was made on.
 */
import type { SrMeasurement } from '../../../../common/sr';
import { useTranslation } from '../../../ui/i18n';
import type { JumpToImage } from '../jumpEvent';
import { codeText, numValueText } from '../model/format';
import { ImageButton, type ImageLookup } from './SrTreeView';

/** "Length 18.5 mm; Mean 42 HU": each value named by its derivation (Mean, Maximum…) or its concept. */
function valuesText(m: SrMeasurement): string {
  return m.values
    .map((v) => [codeText(v.derivation ?? v.concept), numValueText(v)].filter(Boolean).join(' '))
    .filter(Boolean)
    .join('; ');
}

export function MeasurementTable({ measurements, lookup, onJumpToImage }: { measurements: readonly SrMeasurement[]; lookup: ImageLookup; onJumpToImage: (target: JumpToImage) => void }) {
  const { t } = useTranslation();
  if (measurements.length === 0) return <p className="report-note">{t('reports.measurements.none')}</p>;
  return (
    <table className="report-measurements" aria-label={t('reports.measurements.label')} data-testid="sr-measurements">
      <thead>
        <tr>
          <th scope="col">{t('reports.measurements.name')}</th>
          <th scope="col">{t('reports.measurements.finding')}</th>
          <th scope="col">{t('reports.measurements.site')}</th>
          <th scope="col">{t('reports.measurements.values')}</th>
          <th scope="col">{t('reports.measurements.image')}</th>
        </tr>
      </thead>
      <tbody>
        {measurements.map((m, i) => (
          <tr key={m.groupId} data-group-id={m.groupId}>
            <td>{m.trackingIdentifier || m.label || m.toolHint || `#${i + 1}`}</td>
            <td>{codeText(m.finding)}</td>
            <td>{m.findingSites.map(codeText).join(', ')}</td>
            <td className="report-values">{valuesText(m)}</td>
            <td>{m.image ? <ImageButton imageRef={m.image} lookup={lookup} onJumpToImage={onJumpToImage} /> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
