/**
 * The PET/CT layout's ROI list: per ROI SUVmax, SUVmean, SUVpeak (or Bq/ml without SUV), volume and the CT's mean
 * HU at the same place, with delete. Numbers are recomputed from the voxels with the current SUV factor, so a
 * saved correction shows here at once.
 */
import type { PetCtRoi, PetCtRoiMeasurement } from '../model/petCtRoi';
import { useTranslation } from '../../../ui/i18n';

export type MeasuredRoi = PetCtRoi & { stats?: PetCtRoiMeasurement };

export interface PetCtRoiListProps {
  rois: readonly MeasuredRoi[];
  selected?: number;
  onSelect: (id: number) => void;
  onDelete: (id: number) => void;
}

const fmt = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export function PetCtRoiList({ rois, selected, onSelect, onDelete }: PetCtRoiListProps) {
  const { t } = useTranslation();
  if (rois.length === 0) {
    return (
      <div className="petct-rois" data-testid="petct-rois" style={{ padding: '3px 6px', fontSize: 12, color: '#8a9aa8', background: '#0c1218' }}>
        {t('petct.noRois')}
      </div>
    );
  }
  const unit = rois.find((r) => r.stats)?.stats?.unit ?? 'SUVbw';
  const digits = unit === 'SUVbw' ? 2 : 0;
  return (
    <div className="petct-rois" data-testid="petct-rois" style={{ maxHeight: '25%', overflow: 'auto', fontSize: 12, color: '#cfd8e0', background: '#0c1218' }}>
      <table style={{ borderCollapse: 'collapse', width: '100%' }}>
        <thead>
          <tr style={{ textAlign: 'right' }}>
            <th style={{ textAlign: 'left' }}>{t('petct.roi')}</th>
            <th>{t('petct.max', { unit })}</th>
            <th>{t('petct.mean', { unit })}</th>
            <th>{t('petct.peak', { unit })}</th>
            <th>{t('petct.volume')}</th>
            <th>{t('petct.ctMean')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rois.map((r, i) => (
            <tr
              key={r.id}
              data-testid="petct-roi"
              data-roi-id={r.id}
              aria-selected={r.id === selected}
              onClick={() => onSelect(r.id)}
              style={{ textAlign: 'right', background: r.id === selected ? '#1d2a36' : undefined, cursor: 'pointer' }}
            >
              <td style={{ textAlign: 'left' }}>
                {r.shape.kind === 'sphere'
                  ? t('petct.sphereRow', { n: i + 1, radius: r.shape.radiusMm.toFixed(1), plane: t(`petct.plane.${r.plane}`, { defaultValue: r.plane }) })
                  : t('petct.ellipseRow', { n: i + 1, plane: t(`petct.plane.${r.plane}`, { defaultValue: r.plane }) })}
              </td>
              {r.stats ? (
                <>
                  <td data-stat="max">{fmt(r.stats.max, digits)}</td>
                  <td data-stat="mean">{fmt(r.stats.mean, digits)}</td>
                  <td data-stat="peak">{fmt(r.stats.peak, digits)}</td>
                  <td data-stat="volume">{fmt(r.stats.volumeMl, 2)}</td>
                  <td data-stat="hu">{fmt(r.stats.huMean, 0)}</td>
                </>
              ) : (
                <td colSpan={5}>{t('petct.measuring')}</td>
              )}
              <td>
                <button
                  type="button"
                  aria-label={t('petct.deleteLabel', { n: i + 1 })}
                  onClick={(e) => {
                    e.stopPropagation();
                    onDelete(r.id);
                  }}
                >
                  {t('petct.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
