/**
 * The audit panel: the audit trail filtered by patient, user, event and days, newest first; one record's message
 * and chain hashes beside it; and the chain's status (audit.verify). Opened from the header's "Audit" button or
 * Ctrl+Shift+A; Esc closes it and gives the focus back to where it was.
 *
 * Each list from the first page is one reading of the log and is recorded by the services (Audit Log Used):
 * the panel asks once when it opens and once per Apply or change of order, never per row; "Show more" and the
 * details opened from a listing are part of its reading.
 */
import { Fragment, useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { AuditListRequest, AuditListResult, AuditRecordDetail, AuditRow, AuditVerifyResult, DokueiApi } from '../../../../common/ipc/contract';
import { EMPTY_FORM, eventText, formatLocalTime, moveInTable, patientsText, readErrorText, requestFromForm, userText, verifyLines, type AuditForm } from '../model/auditFilters';
import { AUDIT_TEXT as T, auditText } from '../model/text';
import './auditPanel.css';

/** Rows per page: enough to read a day at a glance, few enough to keep the table quick. */
const PAGE = 200;
/** How long the selection rests on a row before its detail is read. */
const DETAIL_DELAY_MS = 120;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function AuditPanel({ api, onClose }: { api: DokueiApi; onClose: () => void }) {
  const [form, setForm] = useState<AuditForm>(EMPTY_FORM);
  const [applied, setApplied] = useState<AuditListRequest>({ order: 'newest' });
  const [result, setResult] = useState<AuditListResult>();
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [selected, setSelected] = useState<number>();
  const [detail, setDetail] = useState<AuditRecordDetail>();
  const [detailError, setDetailError] = useState<string>();
  const [chain, setChain] = useState<AuditVerifyResult>();
  const [chainError, setChainError] = useState<string>();
  const seq = useRef(0);
  /** The last record the current listing covers (its first page's answer). */
  const upToRef = useRef<number | null>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const firstField = useRef<HTMLInputElement>(null);

  // A dialog takes the focus when it opens and gives it back when it closes.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    firstField.current?.focus();
    return () => before?.focus?.();
  }, []);

  const list = useCallback(
    async (request: AuditListRequest, offset: number) => {
      const asked = ++seq.current;
      setLoading(true);
      if (offset === 0) setError(undefined);
      try {
        // A later page keeps to the records its first page covered (the log grows meanwhile: this reading, at least).
        const upTo = offset > 0 ? upToRef.current : null;
        const r = await api.audit.list({ ...request, offset, limit: PAGE, ...(upTo !== null ? { upTo } : {}) });
        if (asked !== seq.current) return;
        if (offset === 0) upToRef.current = r.upTo;
        setResult(r);
        setRows((prev) => (offset === 0 ? r.rows : [...prev, ...r.rows]));
        if (offset === 0) {
          setSelected(undefined);
          setDetail(undefined);
        }
      } catch (err) {
        if (asked !== seq.current) return;
        setError(readErrorText(message(err)));
        if (offset === 0) {
          setResult(undefined);
          setRows([]);
        }
      } finally {
        if (asked === seq.current) setLoading(false);
      }
    },
    [api],
  );

  /**
   * A new listing: the chain's status first, then the records, so that both count the same log (the listing's
   * own Audit Log Used is appended after it read the log; checked after, the chain would count one more).
   */
  const verifySeq = useRef(0);
  const reload = useCallback(
    async (request: AuditListRequest) => {
      const asked = ++verifySeq.current;
      setLoading(true);
      try {
        const v = await api.audit.verify({});
        if (asked === verifySeq.current) {
          setChain(v);
          setChainError(undefined);
        }
      } catch (err) {
        if (asked === verifySeq.current) setChainError(readErrorText(message(err)));
      }
      if (asked === verifySeq.current) await list(request, 0);
    },
    [api, list],
  );

  useEffect(() => {
    void reload({ order: 'newest' });
  }, [reload]);

  useEffect(() => {
    if (selected === undefined) return;
    let live = true;
    setDetailError(undefined);
    // Each detail reads the whole log: while the arrows run down the table, only the row they stop on is asked.
    const timer = setTimeout(() => {
      api.audit.show({ index: selected }).then(
        (d) => live && setDetail(d),
        (err: unknown) => live && (setDetail(undefined), setDetailError(message(err))),
      );
    }, DETAIL_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, selected]);

  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    const built = requestFromForm(form, applied.order ?? 'newest');
    if ('error' in built) return setFormError(built.error);
    setFormError(undefined);
    setApplied(built.request);
    void reload(built.request);
  };

  const clear = () => {
    setForm(EMPTY_FORM);
    setFormError(undefined);
    const request: AuditListRequest = { order: applied.order ?? 'newest' };
    setApplied(request);
    void reload(request);
  };

  const toggleOrder = () => {
    const request: AuditListRequest = { ...applied, order: applied.order === 'oldest' ? 'newest' : 'oldest' };
    setApplied(request);
    void reload(request);
  };

  const onDialogKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.ctrlKey && !e.altKey && !e.metaKey && !e.shiftKey) {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };

  // Enter applies the filters from any field, the event choice included (a <select> does not submit a form).
  const onFormKey = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'SELECT') apply(e);
  };

  const selectedPos = rows.findIndex((r) => r.index === selected);
  const onTableKey = (e: KeyboardEvent) => {
    const next = moveInTable(selectedPos, rows.length, e.key);
    if (next === selectedPos || next < 0) return;
    e.preventDefault();
    setSelected(rows[next]!.index);
    (bodyRef.current?.children[next] as HTMLElement | undefined)?.focus();
  };

  const set = (field: keyof AuditForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));
  const newest = applied.order !== 'oldest';
  const chainLines = chain ? verifyLines(chain) : undefined;
  const filtered = !!(applied.patient || applied.user || applied.event || applied.from || applied.to);

  return (
    <div className="file-panel audit-panel" role="dialog" aria-label={T.title} onKeyDown={onDialogKey}>
      <div className="file-panel-head">
        <h2>{T.title}</h2>
        <button type="button" onClick={onClose}>
          {T.close}
        </button>
      </div>
      <p className="audit-help">{T.help}</p>
      <form className="audit-filters" aria-label="Audit filters" onSubmit={apply} onKeyDown={onFormKey} noValidate>
        <label>
          {T.patient}
          <input ref={firstField} name="patient" value={form.patient} onChange={set('patient')} placeholder={T.patientPlaceholder} spellCheck={false} maxLength={64} />
        </label>
        <label>
          {T.user}
          <input name="user" value={form.user} onChange={set('user')} placeholder={T.userPlaceholder} spellCheck={false} maxLength={64} />
        </label>
        <label>
          {T.event}
          <select name="event" value={form.event} onChange={set('event')}>
            <option value="">{T.anyEvent}</option>
            {(result?.events ?? []).map((ev) => (
              <option key={ev.code} value={ev.code}>
                {ev.name} ({ev.code}){ev.count ? ` — ${ev.count}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          {T.from}
          <input name="from" type="date" value={form.from} onChange={set('from')} aria-invalid={formError ? true : undefined} />
        </label>
        <label>
          {T.to}
          <input name="to" type="date" value={form.to} onChange={set('to')} aria-invalid={formError ? true : undefined} />
        </label>
        <span className="audit-filter-actions">
          <button type="submit" className="primary">
            {T.apply}
          </button>
          <button type="button" onClick={clear}>
            {T.clear}
          </button>
        </span>
      </form>
      {formError ? (
        <div className="banner error" role="alert" data-testid="audit-form-error">
          {formError}
        </div>
      ) : null}
      <div className={`audit-chain ${chainLines ? (chainLines.ok ? 'ok' : 'broken') : ''}`} role="status" data-testid="audit-chain">
        {chainError ?? (chainLines ? chainLines.head : T.verifying)}
        {chainLines && chainLines.problems.length > 0 ? (
          <ul>
            {chainLines.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {error ? (
        <div className="banner error" role="alert" data-testid="audit-error">
          {error}
        </div>
      ) : null}
      {result && result.unreadable > 0 ? <div className="banner warn">{auditText.unreadable(result.unreadable)}</div> : null}
      <div className="audit-body">
        <div className="audit-list" aria-busy={loading}>
          <table aria-label="Audit records" className="audit-table">
            <thead>
              <tr>
                <th aria-sort={newest ? 'descending' : 'ascending'}>
                  <button type="button" className="audit-sort" onClick={toggleOrder} title={auditText.sortTitle(newest)}>
                    {T.columns.time} {newest ? '▼' : '▲'}
                  </button>
                </th>
                <th>{T.columns.event}</th>
                <th>{T.columns.action}</th>
                <th>{T.columns.outcome}</th>
                <th>{T.columns.user}</th>
                <th>{T.columns.patients}</th>
                <th>{T.columns.studies}</th>
                <th>{T.columns.source}</th>
              </tr>
            </thead>
            <tbody ref={bodyRef} onKeyDown={onTableKey}>
              {rows.map((r, i) => (
                <tr
                  key={r.index}
                  tabIndex={r.index === selected || (selectedPos < 0 && i === 0) ? 0 : -1}
                  className={r.index === selected ? 'selected' : ''}
                  aria-selected={r.index === selected}
                  data-audit-index={r.index}
                  data-event-id={r.eventId}
                  data-outcome={r.outcome ?? undefined}
                  onClick={() => setSelected(r.index)}
                  onFocus={(e) => e.target === e.currentTarget && r.index !== selected && setSelected(r.index)}
                >
                  <td title={r.time}>{formatLocalTime(r.time)}</td>
                  <td title={`${eventText(r)} (${r.eventId})`}>{eventText(r)}</td>
                  <td>{auditText.action(r.action)}</td>
                  <td className={r.outcome ? 'failure' : undefined} title={r.outcomeDescription}>
                    {auditText.outcome(r.outcome)}
                  </td>
                  <td title={userText(r)}>{userText(r)}</td>
                  <td title={patientsText(r)} data-testid="audit-patients">
                    {patientsText(r)}
                  </td>
                  <td title={r.studyUids.join('\n')}>{r.studyUids.join(', ')}</td>
                  <td title={r.source}>{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result && rows.length === 0 && !loading && !error ? <div className="empty audit-empty">{filtered || result.records > 0 ? T.noMatch : T.emptyLog}</div> : null}
          {!result && loading ? <div className="empty audit-empty">{T.loading}</div> : null}
          {result ? (
            <div className="audit-count" data-testid="audit-count">
              <span>{auditText.shown(rows.length, result.total, result.records)}</span>
              {result.more > 0 ? (
                <button type="button" disabled={loading} onClick={() => void list(applied, rows.length)}>
                  {auditText.more(result.more)}
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
        <aside className="audit-detail" aria-label="Record detail" data-testid="audit-detail">
          {detailError ? (
            <div className="banner error" role="alert">
              {detailError}
            </div>
          ) : detail && detail.row.index === selected ? (
            <RecordDetail detail={detail} />
          ) : (
            <p className="muted">{T.detailEmpty}</p>
          )}
        </aside>
      </div>
    </div>
  );
}

function RecordDetail({ detail }: { detail: AuditRecordDetail }) {
  const r = detail.row;
  return (
    <>
      <h3>{auditText.recordTitle(r.index)}</h3>
      {r.unparsable ? <div className="banner warn">{T.unparsable}</div> : null}
      <dl className="audit-fields">
        <dt>{T.columns.time}</dt>
        <dd>
          {formatLocalTime(r.time)} <span className="muted">({r.time})</span>
        </dd>
        <dt>{T.columns.event}</dt>
        <dd>
          {eventText(r)} <span className="muted">({[r.eventId, r.eventTypeCode].filter(Boolean).join(' / ')})</span>
        </dd>
        {r.action ? (
          <>
            <dt>{T.columns.action}</dt>
            <dd>{auditText.action(r.action)}</dd>
          </>
        ) : null}
        <dt>{T.columns.outcome}</dt>
        <dd>
          {auditText.outcome(r.outcome)}
          {r.outcomeDescription ? ` — ${r.outcomeDescription}` : ''}
        </dd>
        {r.user ? (
          <>
            <dt>{T.columns.user}</dt>
            <dd>{userText(r)}</dd>
          </>
        ) : null}
        {r.patients.length ? (
          <>
            <dt>{T.columns.patients}</dt>
            <dd>{patientsText(r)}</dd>
          </>
        ) : null}
        {r.studyUids.length ? (
          <>
            <dt>{T.columns.studies}</dt>
            <dd className="mono">{r.studyUids.join('\n')}</dd>
          </>
        ) : null}
        {r.source ? (
          <>
            <dt>{T.columns.source}</dt>
            <dd>{r.source}</dd>
          </>
        ) : null}
        {detail.decoded.map((d, i) => (
          <Fragment key={i}>
            <dt>{d.label}</dt>
            <dd className="audit-decoded">{d.value}</dd>
          </Fragment>
        ))}
        <dt>{T.hash}</dt>
        <dd className="mono" data-testid="audit-hash">
          {detail.hash}
        </dd>
        <dt>{T.prevHash}</dt>
        <dd className="mono">{detail.prevHash}</dd>
      </dl>
      <h4>{T.message}</h4>
      <pre className="audit-xml" data-testid="audit-xml" tabIndex={0}>
        {detail.xml}
      </pre>
    </>
  );
}
