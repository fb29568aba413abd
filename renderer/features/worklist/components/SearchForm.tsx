/** Study search filters. Enter anywhere searches; the date chips fill the range. */
import type { DatePreset } from '../../../../common/dicom/studyQuery';
import { applyDatePreset, MODALITIES, type SearchFormState } from '../model/searchForm';

export interface SearchFormProps {
  value: SearchFormState;
  onChange: (next: SearchFormState) => void;
  onSearch: () => void;
  busy: boolean;
}

const PRESETS: { key: DatePreset | 'any'; label: string }[] = [
  { key: 'today', label: 'Today' },
  { key: 'yesterday', label: 'Yesterday' },
  { key: 'last7days', label: 'Last 7 days' },
  { key: 'any', label: 'Any date' },
];

export function SearchForm({ value, onChange, onSearch, busy }: SearchFormProps) {
  const field = (key: keyof SearchFormState) => ({
    value: value[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange({ ...value, [key]: e.target.value }),
  });
  return (
    <form
      className="search-form"
      aria-label="Study search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch();
      }}
    >
      <label>
        Patient ID
        <input name="patientId" {...field('patientId')} autoComplete="off" />
      </label>
      <label>
        Name
        <input name="patientName" placeholder="YAMADA* / 山田* / やまだ*" {...field('patientName')} autoComplete="off" />
      </label>
      <label>
        Birth date
        <input name="patientBirthDate" type="date" {...field('patientBirthDate')} />
      </label>
      <label>
        Modality
        <select name="modality" {...field('modality')}>
          <option value="">Any</option>
          {MODALITIES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        Study from
        <input name="dateFrom" type="date" {...field('dateFrom')} />
      </label>
      <label>
        to
        <input name="dateTo" type="date" {...field('dateTo')} />
      </label>
      <label>
        Accession
        <input name="accessionNumber" {...field('accessionNumber')} autoComplete="off" />
      </label>
      <label>
        Description
        <input name="studyDescription" {...field('studyDescription')} autoComplete="off" />
      </label>
      <div className="presets" role="group" aria-label="Study date">
        {PRESETS.map((p) => (
          <button type="button" key={p.key} onClick={() => onChange(applyDatePreset(value, p.key, new Date()))}>
            {p.label}
          </button>
        ))}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </div>
    </form>
  );
}
