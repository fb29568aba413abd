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
import { errorTextNow, useTranslation } from '../../../ui/i18n';
import { EMPTY_FORM, eventText, formatLocalTime, moveInTable, patientsText, requestFromForm, userText, type AuditForm } from '../model/auditFilters';
import { ACTION_TEXT, AUDIT_TEXT, auditText } from '../model/text';
import './auditPanel.css';

/** Rows per page: enough to read a day at a glance, few enough to keep the table quick. */
const PAGE = 200;
/** How long the selection rests on a row before its detail is read. */
const DETAIL_DELAY_MS = 120;

const message = (err: unknown) => errorTextNow(err);

type T = ReturnType<typeof useTranslation>['t'];

const OUTCOME_KEYS = new Map([
  [0, 'audit.outcome.success'],
  [4, 'audit.outcome.minorFailure'],
  [8, 'audit.outcome.seriousFailure'],
  [12, 'audit.outcome.majorFailure'],
]);
const ACTIONS = new Set(Object.keys(ACTION_TEXT));

/** The words of model/text.ts's auditText, in the reader's language (the model keeps the English for its tests). */
function words(t: T) {
  return {
    outcome: (o: number | null) => (o === null ? t('audit.outcome.unreadable') : OUTCOME_KEYS.has(o) ? t(OUTCOME_KEYS.get(o)!) : t('audit.outcome.other', { code: o })),
    action: (a: string | undefined) => (a === undefined ? '' : ACTIONS.has(a) ? t(`audit.action.${a}`) : a),
    /** "The audit log cannot be read: …" whatever failed (the services' message already says it for a read error). */
    readError: (m: string) => (m.startsWith(AUDIT_TEXT.cannotRead) ? m : t('audit.cannotRead', { message: m })),
    /** requestFromForm's sentence for the reader. */
    formError: (e: string) =>
      e === auditText.fromAfterTo
        ? t('audit.form.fromAfterTo')
        : e === auditText.badDate('From')
          ? t('audit.form.badDate', { label: t('audit.from') })
          : e === auditText.badDate('To')
            ? t('audit.form.badDate', { label: t('audit.to') })
            : e,
  };
}

export function AuditPanel({ api, onClose }: { api: DokueiApi; onClose: () => void }) {
  const { t } = useTranslation();
  const w = words(t);
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
        setError(message(err));
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
        if (asked === verifySeq.current) setChainError(message(err));
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
  const chainHead = chain ? (chain.ok ? t('audit.chain.intact', { count: chain.records }) : t('audit.chain.broken', { count: chain.problems.length })) : undefined;
  const chainProblems = chain && !chain.ok ? chain.problems.map((p) => t('audit.chain.problem', { index: p.index, reason: p.reason })) : [];
  const filtered = !!(applied.patient || applied.user || applied.event || applied.from || applied.to);

  return (
    <div className="file-panel audit-panel" role="dialog" aria-label={t('audit.title')} onKeyDown={onDialogKey}>
      <div className="file-panel-head">
        <h2>{t('audit.title')}</h2>
        <button type="button" onClick={onClose}>
          {t('audit.close')}
        </button>
      </div>
      <p className="audit-help">{t('audit.help')}</p>
      <form className="audit-filters" aria-label={t('audit.filters')} onSubmit={apply} onKeyDown={onFormKey} noValidate>
        <label>
          {t('audit.patient')}
          <input ref={firstField} name="patient" value={form.patient} onChange={set('patient')} placeholder={t('audit.patientPlaceholder')} spellCheck={false} maxLength={64} />
        </label>
        <label>
          {t('audit.user')}
          <input name="user" value={form.user} onChange={set('user')} placeholder={t('audit.userPlaceholder')} spellCheck={false} maxLength={64} />
        </label>
        <label>
          {t('audit.event')}
          <select name="event" value={form.event} onChange={set('event')}>
            <option value="">{t('audit.anyEvent')}</option>
            {(result?.events ?? []).map((ev) => (
              <option key={ev.code} value={ev.code}>
                {ev.name} ({ev.code}){ev.count ? ` — ${ev.count}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.from')}
          <input name="from" type="date" value={form.from} onChange={set('from')} aria-invalid={formError ? true : undefined} />
        </label>
        <label>
          {t('audit.to')}
          <input name="to" type="date" value={form.to} onChange={set('to')} aria-invalid={formError ? true : undefined} />
        </label>
        <span className="audit-filter-actions">
          <button type="submit" className="primary">
            {t('audit.apply')}
          </button>
          <button type="button" onClick={clear}>
            {t('audit.clear')}
          </button>
        </span>
      </form>
      {formError ? (
        <div className="banner error" role="alert" data-testid="audit-form-error">
          {w.formError(formError)}
        </div>
      ) : null}
      <div className={`audit-chain ${chain ? (chain.ok ? 'ok' : 'broken') : ''}`} role="status" data-testid="audit-chain">
        {chainError !== undefined ? w.readError(chainError) : (chainHead ?? t('audit.verifying'))}
        {chainProblems.length > 0 ? (
          <ul>
            {chainProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {error ? (
        <div className="banner error" role="alert" data-testid="audit-error">
          {w.readError(error)}
        </div>
      ) : null}
      {result && result.unreadable > 0 ? <div className="banner warn">{t('audit.count.unreadable', { count: result.unreadable })}</div> : null}
      <div className="audit-body">
        <div className="audit-list" aria-busy={loading}>
          <table aria-label={t('audit.records')} className="audit-table">
            <thead>
              <tr>
                <th aria-sort={newest ? 'descending' : 'ascending'}>
                  <button type="button" className="audit-sort" onClick={toggleOrder} title={newest ? t('audit.sort.newest') : t('audit.sort.oldest')}>
                    {t('audit.columns.time')} {newest ? '▼' : '▲'}
                  </button>
                </th>
                <th>{t('audit.columns.event')}</th>
                <th>{t('audit.columns.action')}</th>
                <th>{t('audit.columns.outcome')}</th>
                <th>{t('audit.columns.user')}</th>
                <th>{t('audit.columns.patients')}</th>
                <th>{t('audit.columns.studies')}</th>
                <th>{t('audit.columns.source')}</th>
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
                  <td>{w.action(r.action)}</td>
                  <td className={r.outcome ? 'failure' : undefined} title={r.outcomeDescription}>
                    {w.outcome(r.outcome)}
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
          {result && rows.length === 0 && !loading && !error ? <div className="empty audit-empty">{filtered || result.records > 0 ? t('audit.noMatch') : t('audit.emptyLog')}</div> : null}
          {!result && loading ? <div className="empty audit-empty">{t('audit.loading')}</div> : null}
          {result ? (
            <div className="audit-count" data-testid="audit-count">
              <span>
                {result.total === result.records
                  ? t('audit.count.shown', { shown: rows.length, total: result.total })
                  : t('audit.count.shownMatching', { shown: rows.length, total: result.total, records: result.records })}
              </span>
              {result.more > 0 ? (
                <button type="button" disabled={loading} onClick={() => void list(applied, rows.length)}>
                  {t('audit.count.more', { more: result.more })}
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
        <aside className="audit-detail" aria-label={t('audit.recordDetail')} data-testid="audit-detail">
          {detailError ? (
            <div className="banner error" role="alert">
              {detailError}
            </div>
          ) : detail && detail.row.index === selected ? (
            <RecordDetail detail={detail} />
          ) : (
            <p className="muted">{t('audit.detailEmpty')}</p>
          )}
        </aside>
      </div>
    </div>
  );
}

function RecordDetail({ detail }: { detail: AuditRecordDetail }) {
  const { t } = useTranslation();
  const w = words(t);
  const r = detail.row;
  return (
    <>
      <h3>{t('audit.recordTitle', { index: r.index })}</h3>
      {r.unparsable ? <div className="banner warn">{t('audit.unparsable')}</div> : null}
      <dl className="audit-fields">
        <dt>{t('audit.columns.time')}</dt>
        <dd>
          {formatLocalTime(r.time)} <span className="muted">({r.time})</span>
        </dd>
        <dt>{t('audit.columns.event')}</dt>
        <dd>
          {eventText(r)} <span className="muted">({[r.eventId, r.eventTypeCode].filter(Boolean).join(' / ')})</span>
        </dd>
        {r.action ? (
          <>
            <dt>{t('audit.columns.action')}</dt>
            <dd>{w.action(r.action)}</dd>
          </>
        ) : null}
        <dt>{t('audit.columns.outcome')}</dt>
        <dd>
          {w.outcome(r.outcome)}
          {r.outcomeDescription ? ` — ${r.outcomeDescription}` : ''}
        </dd>
        {r.user ? (
          <>
            <dt>{t('audit.columns.user')}</dt>
            <dd>{userText(r)}</dd>
          </>
        ) : null}
        {r.patients.length ? (
          <>
            <dt>{t('audit.columns.patients')}</dt>
            <dd>{patientsText(r)}</dd>
          </>
        ) : null}
        {r.studyUids.length ? (
          <>
            <dt>{t('audit.columns.studies')}</dt>
            <dd className="mono">{r.studyUids.join('\n')}</dd>
          </>
        ) : null}
        {r.source ? (
          <>
            <dt>{t('audit.columns.source')}</dt>
            <dd>{r.source}</dd>
          </>
        ) : null}
        {detail.decoded.map((d, i) => (
          <Fragment key={i}>
            <dt>{d.label}</dt>
            <dd className="audit-decoded">{d.value}</dd>
          </Fragment>
        ))}
        <dt>{t('audit.hash')}</dt>
        <dd className="mono" data-testid="audit-hash">
          {detail.hash}
        </dd>
        <dt>{t('audit.prevHash')}</dt>
        <dd className="mono">{detail.prevHash}</dd>
      </dl>
      <h4>{t('audit.message')}</h4>
      <pre className="audit-xml" data-testid="audit-xml" tabIndex={0}>
        {detail.xml}
      </pre>
    </>
  );
}
