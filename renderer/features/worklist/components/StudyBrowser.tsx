/**
 * The study browser: filters, one federated search over the local store and every node, the merged list
 * with where each study is, per-node status, and retrieve/cancel with progress per study.
 * Keyboard: ↑/↓ moves, Enter opens, R retrieves, Esc cancels the selected study's retrieve.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FederatedSearchResult, FederatedStudy } from '../../../../common/dicom/federation';
import type { RetrieveJob } from '../../../../common/dicom/retrieveJob';
import type { DokueiApi } from '../../../../common/ipc/contract';
import { jobFraction, jobProgress, locationBadges } from '../model/availability';
import { emptySearch, toStudyQuery, type SearchFormState } from '../model/searchForm';
import { moveSelection, sortStudies, toggleSort, type StudySort, type StudySortKey } from '../model/studyTable';
import { NodeStatus } from './NodeStatus';
import { displayDate, displayPersonName, errorText, personNameTooltip, useLanguage, useTranslation } from '../../../ui/i18n';
import { SearchForm } from './SearchForm';

export interface StudyBrowserProps {
  api: DokueiApi;
  selected?: string;
  onSelect: (study: FederatedStudy) => void;
  onOpen: (study: FederatedStudy) => void;
  jobs: ReadonlyMap<string, RetrieveJob>;
  refreshKey: number;
}

/** Column → its header's i18n key. */
const COLUMNS: { key: StudySortKey; label: string }[] = [
  { key: 'patientNameText', label: 'browser.patient' },
  { key: 'patientId', label: 'browser.id' },
  { key: 'studyDate', label: 'browser.date' },
  { key: 'modalities', label: 'browser.modalities' },
  { key: 'studyDescription', label: 'browser.description' },
  { key: 'accessionNumber', label: 'browser.accession' },
];

/** Fixed proportions keep the list inside its panel: long values are cut with an ellipsis (full text on hover). */
const COLUMN_WIDTHS = ['21%', '13%', '11%', '6%', '10%', '8%', '11%', '6%', '14%'];

export function StudyBrowser({ api, selected, onSelect, onOpen, jobs, refreshKey }: StudyBrowserProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [form, setForm] = useState<SearchFormState>(emptySearch);
  const [result, setResult] = useState<FederatedSearchResult>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [sort, setSort] = useState<StudySort>({ key: 'studyDate', direction: 'desc' });
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const formRef = useRef(form);
  formRef.current = form;
  const searchSeq = useRef(0);

  const search = useCallback(async () => {
    const seq = ++searchSeq.current;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.studies.search(toStudyQuery(formRef.current));
      if (seq === searchSeq.current) setResult(r);
    } catch (err) {
      if (seq === searchSeq.current) setError(errorText(t, err));
    } finally {
      if (seq === searchSeq.current) setBusy(false);
    }
  }, [api]);

  useEffect(() => {
    void search();
  }, [search, refreshKey]);

  const rows = useMemo(() => sortStudies(result?.studies ?? [], sort) as FederatedStudy[], [result, sort]);
  const selectedIndex = rows.findIndex((s) => s.studyInstanceUid === selected);

  const retrieve = async (study: FederatedStudy) => {
    setActionError(undefined);
    try {
      await api.retrieve.start({ studyInstanceUid: study.studyInstanceUid });
    } catch (err) {
      setActionError(t('browser.retrieveFailed', { reason: errorText(t, err) }));
    }
  };
  const cancel = async (job: RetrieveJob) => {
    try {
      await api.retrieve.cancel({ jobId: job.jobId });
    } catch (err) {
      setActionError(t('browser.cancelFailed', { reason: errorText(t, err) }));
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const next = moveSelection(selectedIndex, rows.length, e.key);
    if (next !== selectedIndex && next >= 0) {
      e.preventDefault();
      onSelect(rows[next]!);
      (bodyRef.current?.children[next] as HTMLElement | undefined)?.focus();
      return;
    }
    const current = rows[selectedIndex];
    if (!current) return;
    const job = jobs.get(current.studyInstanceUid);
    if (e.key === 'Enter') onOpen(current);
    else if ((e.key === 'r' || e.key === 'R') && !current.availability.local) void retrieve(current);
    else if (e.key === 'Escape' && job && (job.state === 'running' || job.state === 'queued')) void cancel(job);
    else return;
    e.preventDefault();
  };

  return (
    <div className="study-browser">
      <SearchForm value={form} onChange={setForm} onSearch={() => void search()} busy={busy} />
      {result ? <NodeStatus outcomes={result.nodes} /> : null}
      {error ? (
        <div className="banner error" role="alert">
          {t('browser.searchFailed', { reason: error })}
        </div>
      ) : null}
      {actionError ? (
        <div className="banner error" role="alert">
          {actionError}
        </div>
      ) : null}
      <div className="scroll">
        <table aria-label={t('browser.studies')} className="studies">
          <colgroup>
            {COLUMN_WIDTHS.map((w, i) => (
              <col key={i} style={{ width: w }} />
            ))}
          </colgroup>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} onClick={() => setSort(toggleSort(sort, c.key))} aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  {t(c.label)}
                  {sort.key === c.key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </th>
              ))}
              <th>{t('browser.where')}</th>
              <th title={t('browser.imagesTitle')}>{t('browser.images')}</th>
              <th aria-label={t('browser.actions')} />
            </tr>
          </thead>
          <tbody ref={bodyRef} onKeyDown={onKeyDown}>
            {rows.map((s) => {
              const job = jobs.get(s.studyInstanceUid);
              const active = job && (job.state === 'running' || job.state === 'queued');
              const fraction = job ? jobFraction(job) : undefined;
              return (
                <tr
                  key={s.studyInstanceUid}
                  tabIndex={0}
                  className={s.studyInstanceUid === selected ? 'selected' : ''}
                  aria-selected={s.studyInstanceUid === selected}
                  data-study-uid={s.studyInstanceUid}
                  onClick={() => onSelect(s)}
                  onFocus={(e) => e.target === e.currentTarget && s.studyInstanceUid !== selected && onSelect(s)}
                  onDoubleClick={() => onOpen(s)}
                >
                  <td className="patient-name" title={personNameTooltip(s.patientName)}>
                    {displayPersonName(s.patientName, language) || t('browser.noName')}
                  </td>
                  <td title={s.patientId}>{s.patientId}</td>
                  <td>{displayDate(s.studyDate, language)}</td>
                  <td title={s.modalities.join('/')}>{s.modalities.join('/')}</td>
                  <td title={s.studyDescription}>{s.studyDescription}</td>
                  <td title={s.accessionNumber}>{s.accessionNumber}</td>
                  <td className="where">
                    {locationBadges(s).map((b) => (
                      <span key={b.key} className={`badge ${b.key}`} title={t(b.title, { ...b.values })}>
                        {t(b.label, { ...b.values })}
                      </span>
                    ))}
                  </td>
                  <td>
                    {s.availability.local ? `${s.localInstances}` : ''}
                    {s.numberOfInstances !== undefined && s.numberOfInstances !== s.localInstances ? ` / ${s.numberOfInstances}` : ''}
                  </td>
                  <td className="actions">
                    {active ? (
                      <button type="button" onClick={() => void cancel(job)} aria-label={t('browser.cancelOf', { patientId: s.patientId })}>
                        {t('browser.cancel')}
                      </button>
                    ) : !s.availability.local || (s.numberOfInstances ?? 0) > s.localInstances ? (
                      <button type="button" onClick={() => void retrieve(s)} aria-label={t('browser.retrieveOf', { patientId: s.patientId })}>
                        {t('browser.retrieve')}
                      </button>
                    ) : null}
                    {job ? (
                      <div className={`job ${job.state}`} data-job-state={job.state}>
                        <span>{t(jobProgress(job).key, jobProgress(job).values)}</span>
                        <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={fraction !== undefined ? Math.round(fraction * 100) : undefined}>
                          <div style={{ width: `${Math.round((fraction ?? (job.state === 'done' ? 1 : 0)) * 100)}%` }} />
                        </div>
                      </div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {result && rows.length === 0 && !busy ? <div className="empty">{t('browser.noMatch')}</div> : null}
      </div>
    </div>
  );
}
