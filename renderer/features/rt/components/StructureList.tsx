/**
 * The structure list of a stack cell: each ROI of the study's structure sets with its DICOM colour, visibility, its
 * volume (cm³, the DVH's convention: common/rt) and a button that shows the slice through its centre; fill opacity
 * and outline width for all. Keyboard: every control is a button, checkbox or slider in tab order.
 */
import { useTranslation } from '../../../ui/i18n';
import type { LoadedStructureSet } from './useStructureSets';
import { roiColour, type StructureStyle } from './StructureLayer';
import { rtText } from '../model/rtWarningText';

export interface StructureListProps {
  sets: readonly LoadedStructureSet[];
  style: StructureStyle;
  onStyle: (style: StructureStyle) => void;
  /** Shows the structure's centre; without it the list has no Go buttons. */
  onJump?: ((set: LoadedStructureSet, roiNumber: number) => void) | undefined;
  error?: string | undefined;
}

export function StructureList({ sets, style, onStyle, onJump, error }: StructureListProps) {
  const { t } = useTranslation();
  const toggle = (n: number) => {
    const hidden = new Set(style.hidden);
    if (hidden.has(n)) hidden.delete(n);
    else hidden.add(n);
    onStyle({ ...style, hidden });
  };
  return (
    <section className="structure-list" aria-label={t('rt.structures')}>
      <h2>{t('rt.structures')}</h2>
      {error ? (
        <p className="muted" role="alert">
          {error}
        </p>
      ) : null}
      {sets.map((set) => (
        <div key={set.sopInstanceUid}>
          <p className="muted">{set.label}</p>
          <ol>
            {set.rois.map((r) => (
              <li key={r.number} data-roi={r.number}>
                <label>
                  <input type="checkbox" checked={!style.hidden.has(r.number)} onChange={() => toggle(r.number)} aria-label={t('rt.showStructure', { name: r.name })} />
                  <span className="roi-swatch" style={{ background: roiColour(r) }} aria-hidden="true" />
                  <span className="roi-name">{r.name}</span>
                </label>
                <span className="roi-volume" data-volume-cc={set.volumes[r.number]?.toFixed(3)}>
                  {set.volumes[r.number] !== undefined ? `${set.volumes[r.number]!.toFixed(1)} cm³` : r.contours.length ? '' : t('rt.noContours')}
                </span>
                {onJump ? (
                  <button type="button" className="roi-jump" onClick={() => onJump(set, r.number)} aria-label={t('rt.goTo', { name: r.name })} disabled={!r.contours.length}>
                    {t('rt.go')}
                  </button>
                ) : null}
              </li>
            ))}
          </ol>
          {set.warnings.length ? <p className="muted">{set.warnings.map((w) => rtText(t, w)).join(' ')}</p> : null}
        </div>
      ))}
      <label className="structure-control">
        {t('rt.fill')}
        <input type="range" min={0} max={0.8} step={0.05} value={style.fillOpacity} onChange={(e) => onStyle({ ...style, fillOpacity: Number(e.target.value) })} aria-label={t('rt.fillLabel')} />
      </label>
      <label className="structure-control">
        {t('rt.outline')}
        <select value={style.outlineWidth} onChange={(e) => onStyle({ ...style, outlineWidth: Number(e.target.value) })} aria-label={t('rt.outlineLabel')}>
          {[1, 2, 3].map((w) => (
            <option key={w} value={w}>
              {t('rt.outlinePx', { width: w })}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
