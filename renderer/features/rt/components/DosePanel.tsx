/**
 * The dose and plan panel of a stack cell (issue #17): which dose (plan sum, per beam), isodose lines and/or the
 * colour wash, the reference dose (the plan's prescription, or typed), the levels (% of it or Gy) with their legend,
 * and the plan's prescription and beams.
 */
import { useState } from 'react';
import { useTranslation } from '../../../ui/i18n';
import type { RtPlan } from '../../../../common/rt/rtPlan';
import { parseLevels, type IsodoseLevel } from '../model/doseDisplay';
import { rtText } from '../model/rtWarningText';
import type { DoseChoice } from './useRtDoses';

export interface DoseView {
  doseIndex: number;
  lines: boolean;
  wash: boolean;
  /** Typed reference dose (Gy); undefined: the plan's prescription, else the dose maximum. */
  referenceGy?: number | undefined;
  unit: 'percent' | 'gy';
  levels: number[];
}

export interface DosePanelProps {
  doses: readonly DoseChoice[];
  plans: readonly RtPlan[];
  view: DoseView;
  onView: (view: DoseView) => void;
  levels: readonly IsodoseLevel[];
  referenceGy: number | undefined;
  maxGy: number | undefined;
  status?: string | undefined;
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? '—' : v.toFixed(digits));

export function DosePanel({ doses, plans, view, onView, levels, referenceGy, maxGy, status }: DosePanelProps) {
  const { t } = useTranslation();
  const [levelText, setLevelText] = useState(view.levels.join(', '));
  const [levelError, setLevelError] = useState<string>();
  const applyLevels = (text: string) => {
    setLevelText(text);
    const parsed = parseLevels(text);
    if (typeof parsed === 'string') setLevelError(parsed);
    else {
      setLevelError(undefined);
      onView({ ...view, levels: parsed });
    }
  };
  return (
    <section className="dose-panel" aria-label={t('rt.dose')}>
      <h2>{t('rt.dose')}</h2>
      {doses.length > 1 ? (
        <select value={view.doseIndex} onChange={(e) => onView({ ...view, doseIndex: Number(e.target.value) })} aria-label={t('rt.doseShown')}>
          {doses.map((d, i) => (
            <option key={d.sopInstanceUid} value={i}>
              {d.label}
            </option>
          ))}
        </select>
      ) : (
        <p className="muted">{doses[0]?.label}</p>
      )}
      {status ? (
        <p className="muted" role="status">
          {rtText(t, status)}
        </p>
      ) : null}
      <div className="dose-toggles">
        <label>
          <input type="checkbox" checked={view.lines} onChange={(e) => onView({ ...view, lines: e.target.checked })} /> {t('rt.isodoseLines')}
        </label>
        <label>
          <input type="checkbox" checked={view.wash} onChange={(e) => onView({ ...view, wash: e.target.checked })} /> {t('rt.colourWash')}
        </label>
      </div>
      <label className="dose-field">
        {t('rt.reference')}
        <input
          type="number"
          min={0}
          step={0.1}
          value={view.referenceGy ?? ''}
          placeholder={referenceGy !== undefined ? referenceGy.toFixed(1) : ''}
          onChange={(e) => onView({ ...view, referenceGy: e.target.value === '' ? undefined : Number(e.target.value) || undefined })}
          aria-label={t('rt.referenceLabel')}
        />
        {t('rt.gy')}
      </label>
      <label className="dose-field">
        {t('rt.levels')}
        <input value={levelText} onChange={(e) => applyLevels(e.target.value)} aria-label={t('rt.levelsLabel')} aria-invalid={levelError ? true : undefined} />
        <select value={view.unit} onChange={(e) => onView({ ...view, unit: e.target.value as DoseView['unit'] })} aria-label={t('rt.levelUnit')}>
          <option value="percent">%</option>
          <option value="gy">{t('rt.gy')}</option>
        </select>
      </label>
      {levelError ? (
        <p className="dose-error" role="alert">
          {rtText(t, levelError)}
        </p>
      ) : null}
      <ol className="dose-legend" aria-label={t('rt.legend')}>
        {levels.map((l) => (
          <li key={l.gy} data-gy={l.gy.toFixed(3)}>
            <span className="dose-swatch" style={{ background: l.colour }} aria-hidden="true" />
            {l.label}
          </li>
        ))}
      </ol>
      <p className="muted">{t('rt.maxDose', { value: fmt(maxGy, 2) })}</p>
      {plans.map((p, i) => (
        <div key={i} className="plan-summary" data-testid="plan-summary">
          <h3>{t('rt.plan', { label: p.label ?? '' })}</h3>
          <p className="muted">
            {p.prescriptionGy !== undefined
              ? p.fractions !== undefined
                ? t('rt.prescriptionFractions', { gy: p.prescriptionGy, fractions: p.fractions })
                : t('rt.prescription', { gy: p.prescriptionGy })
              : p.fractions !== undefined
                ? t('rt.prescriptionNotStoredFractions', { fractions: p.fractions })
                : t('rt.prescriptionNotStored')}
          </p>
          <ol className="beam-list" aria-label={t('rt.beams')}>
            {p.beams.map((b) => (
              <li key={b.number} data-beam={b.number} data-mu={b.mu}>
                <strong>{b.name}</strong> {[b.radiation, b.energyMeV !== undefined ? `${b.energyMeV} MV` : undefined, b.type].filter(Boolean).join(' ')}
                <br />
                {t('rt.beamAngles', { gantry: fmt(b.gantryDeg), collimator: fmt(b.collimatorDeg), couch: fmt(b.couchDeg), mu: b.mu !== undefined ? `${fmt(b.mu)} MU` : 'MU —' })}
              </li>
            ))}
          </ol>
          {p.beams[0]?.isocentre ? <p className="muted">{t('rt.isocentre', { position: p.beams[0].isocentre.map((v) => v.toFixed(1)).join(', ') })}</p> : null}
        </div>
      ))}
    </section>
  );
}
