/**
 * The SUV recalculation panel (issue #7): every SUV input of the PET series with its source (header tag, or who
 * corrected it, when, old → new and why), the factors that result (bw, lbm, …) and the engine's reasons and
 * warnings; a correction (value + reason) is saved through the services, which keep it with its provenance, audit
 * it and write an RWVM instance, and the viewer's SUV readouts follow at once.
 */
import { useState, type FormEvent } from 'react';
import { SUV_TYPES, type SuvResult } from '../../../../common/suv';
import { formatFactor, formatInputValue, inputRows, SUV_INPUT_LABELS, SUV_INPUT_ORDER } from '../model/suvModel';
import { suvText } from '../model/suvReasonText';
import type { SeriesSuv, SuvField } from './useSeriesSuv';
import { SegmentsTable } from './SegmentsTable';
import { useSendTargets } from '../../pacs/useSendTargets';
import { errorText, useTranslation } from '../../../ui/i18n';

export interface SuvPanelProps {
  suv: SeriesSuv;
  /** The result of the slice shown (factors can differ per slice); default the first. */
  result?: SuvResult;
  onClose: () => void;
}

const FACTOR_LABELS: Record<(typeof SUV_TYPES)[number], string> = {
  bw: 'SUVbw',
  lbm: 'SUVlbm (James)',
  lbmJames128: 'SUVlbm (James 128)',
  lbmJanma: 'SUVlbm (Janmahasatian)',
  bsa: 'SUVbsa',
  ibw: 'SUVibw',
};

export function SuvPanel({ suv, result, onClose }: SuvPanelProps) {
  const { t } = useTranslation();
  /** An input's name in the reader's language (the model's SUV_INPUT_LABELS in English). */
  const inputLabel = (name: SuvField) => t(`suv.input.${name}`);
  const shown = result ?? suv.results[0];
  const rows = inputRows(shown, suv.corrections);
  const [field, setField] = useState<SuvField>('weight');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  // Optional: also send the corrected mapping (RWVM) to a PACS node.
  const sendTargets = useSendTargets();
  const [sendTo, setSendTo] = useState('');

  const startEdit = (name: SuvField) => {
    setField(name);
    const current = rows.find((r) => r.name === name)?.value;
    setValue(current === null || current === undefined ? '' : String(current));
    setMessage(undefined);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const numeric = field === 'weight' || field === 'height' || field === 'dose' || field === 'halfLife';
      const v = numeric && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value.trim();
      const send = await suv.save(field, v, reason, sendTo || undefined);
      setReason('');
      const saved = t('suv.saved', { input: inputLabel(field), value: formatInputValue(v) });
      setMessage(send && !send.ok ? { kind: 'error', text: `${saved} ${send.message}` } : { kind: 'ok', text: send ? `${saved} ${send.message}` : saved });
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="suv-panel" aria-label={t('suv.panelLabel')} data-testid="suv-panel">
      <header className="suv-panel-head">
        <h2>{t('suv.title')}</h2>
        <button type="button" className="suv-close" aria-label={t('suv.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {suv.error ? <p role="alert" className="suv-error">{t('suv.loadError', { error: suv.error })}</p> : null}
      <table className="suv-inputs">
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-testid="suv-input" data-field={r.name} data-corrected={r.corrected ? 'true' : 'false'}>
              <th scope="row">{inputLabel(r.name)}</th>
              <td className="suv-value" data-testid="suv-input-value">
                {formatInputValue(r.value)}
                {r.unit && r.value !== null ? ` ${r.unit}` : ''}
              </td>
              <td className="suv-source" data-testid="suv-input-source">
                {suvText(t, r.source)}
              </td>
              <td>
                <button type="button" className="suv-edit" aria-label={t('suv.correctInput', { input: inputLabel(r.name).toLowerCase() })} onClick={() => startEdit(r.name)}>
                  {t('suv.correct')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="suv-form" onSubmit={submit}>
        <label>
          {t('suv.inputField')}
          <select aria-label={t('suv.inputToCorrect')} value={field} onChange={(e) => startEdit(e.target.value as SuvField)}>
            {SUV_INPUT_ORDER.map((n) => (
              <option key={n} value={n}>
                {inputLabel(n)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {SUV_INPUT_LABELS[field].unit ? t('suv.newValueUnit', { unit: SUV_INPUT_LABELS[field].unit }) : t('suv.newValue')}
          <input aria-label={t('suv.newValue')} value={value} onChange={(e) => setValue(e.target.value)} required />
        </label>
        <label>
          {t('suv.reason')}
          <input aria-label={t('suv.reason')} value={reason} onChange={(e) => setReason(e.target.value)} required placeholder={t('suv.reasonPlaceholder')} />
        </label>
        {sendTargets.length > 0 ? (
          <label>
            {t('suv.alsoSend')}
            <select aria-label={t('suv.alsoSend')} value={sendTo} onChange={(e) => setSendTo(e.target.value)}>
              <option value="">{t('suv.noSend')}</option>
              {sendTargets.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button type="submit" disabled={busy || reason.trim() === '' || value.trim() === ''}>
          {t('suv.save')}
        </button>
        {message ? (
          <p role={message.kind === 'error' ? 'alert' : 'status'} className={`suv-message ${message.kind}`} data-testid="suv-message">
            {message.text}
          </p>
        ) : null}
      </form>
      <h3>{t('suv.factors')}</h3>
      <table className="suv-factors">
        <tbody>
          {SUV_TYPES.map((type) => (
            <tr key={type} data-testid="suv-factor" data-type={type} data-value={shown?.factors[type] ?? ''}>
              <th scope="row">{FACTOR_LABELS[type]}</th>
              <td>{formatFactor(shown?.factors[type] ?? null)}</td>
              <td className="muted">{suvText(t, shown?.reasons[type] ?? '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && shown.warnings.length > 0 ? (
        <ul className="suv-warnings" data-testid="suv-warnings">
          {shown.warnings.map((w) => (
            <li key={w}>{suvText(t, w)}</li>
          ))}
        </ul>
      ) : null}
      {suv.lastRwvm ? (
        <p className="muted" data-testid="suv-rwvm">
          {t('suv.rwvm', { uid: suv.lastRwvm })}
        </p>
      ) : null}
      <SegmentsTable suv={suv} />
    </aside>
  );
}
