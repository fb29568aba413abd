/** The study browser: search, sortable columns, keyboard navigation (↑/↓, Enter to open). */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatDicomDate } from '../../../../common/dicom/dicomJson';
import { studyFromDicomJson, type StudySummary } from '../../../../common/dicom/model';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { moveSelection, sortStudies, toggleSort, type StudySort, type StudySortKey } from '../model/studyTable';

export interface StudyListProps {
  plane: DataPlane;
  selected?: string;
  onSelect: (study: StudySummary) => void;
  refreshKey: number;
  onWarnings: (warnings: string[]) => void;
}

const COLUMNS: { key: StudySortKey; label: string }[] = [
  { key: 'patientNameText', label: 'Patient' },
  { key: 'patientId', label: 'ID' },
  { key: 'studyDate', label: 'Date' },
  { key: 'modalities', label: 'Mod.' },
  { key: 'studyDescription', label: 'Description' },
  { key: 'accessionNumber', label: 'Accession' },
];

export function StudyList({ plane, selected, onSelect, refreshKey, onWarnings }: StudyListProps) {
  const [query, setQuery] = useState('');
  const [studies, setStudies] = useState<StudySummary[]>([]);
  const [status, setStatus] = useState<{ kind: 'loading' } | { kind: 'ok' } | { kind: 'error'; message: string }>({ kind: 'loading' });
  const [sort, setSort] = useState<StudySort>({ key: 'studyDate', direction: 'desc' });
  const tableRef = useRef<HTMLTableSectionElement>(null);

  const search = useCallback(
    async (signal: AbortSignal) => {
      setStatus({ kind: 'loading' });
      const params = new URLSearchParams({ includefield: 'all', limit: '500' });
      const q = query.trim();
      // One box for ID or name: digits-and-dashes look like an ID, anything else is a name prefix.
      if (q) params.set(/^[0-9A-Za-z-]+$/.test(q) && /\d/.test(q) ? 'PatientID' : 'PatientName', q.includes('*') ? q : `${q}*`);
      try {
        const answer = await getDicomJson(plane, `/studies?${params}`, signal);
        setStudies(answer.items.map(studyFromDicomJson).filter((s): s is StudySummary => !!s));
        onWarnings(answer.warnings);
        setStatus({ kind: 'ok' });
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
        setStatus({ kind: 'error', message: (err as Error).message });
      }
    },
    [plane, query, onWarnings],
  );

  useEffect(() => {
    const ctl = new AbortController();
    const t = setTimeout(() => void search(ctl.signal), 250);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [search, refreshKey]);

  const rows = useMemo(() => sortStudies(studies, sort), [studies, sort]);
  const selectedIndex = rows.findIndex((s) => s.studyInstanceUid === selected);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const next = moveSelection(selectedIndex, rows.length, e.key);
    if (next !== selectedIndex && next >= 0) {
      e.preventDefault();
      onSelect(rows[next]!);
      (tableRef.current?.children[next] as HTMLElement | undefined)?.focus();
    }
  };

  return (
    <div className="side-studies" style={{ display: 'grid', gridTemplateRows: 'auto 1fr', minHeight: 0 }}>
      <div className="toolbar">
        <input
          aria-label="Search patient ID or name"
          placeholder="Patient ID or name (wildcards * ?)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          style={{ flex: 1 }}
        />
        <span aria-live="polite" style={{ color: 'var(--muted)' }}>
          {status.kind === 'loading' ? 'Searching…' : status.kind === 'ok' ? `${rows.length} studies` : ''}
        </span>
      </div>
      <div className="scroll">
        {status.kind === 'error' ? (
          <div className="banner error" role="alert">Search failed: {status.message}</div>
        ) : null}
        <table aria-label="Studies">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} onClick={() => setSort(toggleSort(sort, c.key))} aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  {c.label}
                  {sort.key === c.key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={tableRef} onKeyDown={onKeyDown}>
            {rows.map((s) => (
              <tr
                key={s.studyInstanceUid}
                tabIndex={0}
                className={s.studyInstanceUid === selected ? 'selected' : ''}
                aria-selected={s.studyInstanceUid === selected}
                data-study-uid={s.studyInstanceUid}
                onClick={() => onSelect(s)}
                onKeyDown={(e) => e.key === 'Enter' && onSelect(s)}
              >
                <td>{s.patientNameText || '(no name)'}</td>
                <td>{s.patientId}</td>
                <td>{formatDicomDate(s.studyDate)}</td>
                <td>{s.modalities.join('/')}</td>
                <td>{s.studyDescription}</td>
                <td>{s.accessionNumber}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {status.kind === 'ok' && rows.length === 0 ? <div className="empty">No studies match.</div> : null}
      </div>
    </div>
  );
}
