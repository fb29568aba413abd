/** Study search filters. Enter anywhere searches; the date chips fill the range. */
import type { DatePreset } from '../../../../common/dicom/studyQuery';
import { useTranslation } from '../../../ui/i18n';
import { applyDatePreset, MODALITIES, type SearchFormState } from '../model/searchForm';

export interface SearchFormProps {
  value: SearchFormState;
  onChange: (next: SearchFormState) => void;
  onSearch: () => void;
  busy: boolean;
}

const PRESETS: { key: DatePreset | 'any'; label: string }[] = [
  { key: 'today', label: 'search.today' },
  { key: 'yesterday', label: 'search.yesterday' },
  { key: 'last7days', label: 'search.last7days' },
  { key: 'any', label: 'search.anyDate' },
];

export function SearchForm({ value, onChange, onSearch, busy }: SearchFormProps) {
  const { t } = useTranslation();
  const field = (key: keyof SearchFormState) => ({
    value: value[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange({ ...value, [key]: e.target.value }),
  });
  return (
    <form
      className="search-form"
      aria-label={t('search.form')}
      onSubmit={(e) => {
        e.preventDefault();
        onSearch();
      }}
    >
      <label>
        {t('search.patientId')}
        <input name="patientId" {...field('patientId')} autoComplete="off" />
      </label>
      <label>
        {t('search.name')}
        <input name="patientName" placeholder={t('search.namePlaceholder')} {...field('patientName')} autoComplete="off" />
      </label>
      <label>
        {t('search.birthDate')}
        <input name="patientBirthDate" type="date" {...field('patientBirthDate')} />
      </label>
      <label>
        {t('search.modality')}
        <select name="modality" {...field('modality')}>
          <option value="">{t('search.anyModality')}</option>
          {MODALITIES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('search.dateFrom')}
        <input name="dateFrom" type="date" {...field('dateFrom')} />
      </label>
      <label>
        {t('search.dateTo')}
        <input name="dateTo" type="date" {...field('dateTo')} />
      </label>
      <label>
        {t('search.accession')}
        <input name="accessionNumber" {...field('accessionNumber')} autoComplete="off" />
      </label>
      <label>
        {t('search.description')}
        <input name="studyDescription" {...field('studyDescription')} autoComplete="off" />
      </label>
      <div className="presets" role="group" aria-label={t('search.studyDate')}>
        {PRESETS.map((p) => (
          <button type="button" key={p.key} onClick={() => onChange(applyDatePreset(value, p.key, new Date()))}>
            {t(p.label)}
          </button>
        ))}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('search.searching') : t('search.search')}
        </button>
      </div>
    </form>
  );
}
