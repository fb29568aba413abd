/**
 * The reading panel of a report series (issue #19): an SR's content tree (with a measurement table on top for a TID
 * 1500 report) or an encapsulated PDF, beside the images. A non-modal dialog on the right of the window, so the
 * viewer stays in sight and an image reference can be followed while the report stays open. Focus moves into it
 * when it opens and back to where it was when it closes; Esc closes it. A series with several documents lists them.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { SeriesSummary } from '../../../../common/dicom/model';
import type { DataPlane } from '../../../platform/platform';
import { displayPersonName, errorText, useLanguage, useTranslation } from '../../../ui/i18n';
import { requestJumpToImage, type JumpToImage } from '../jumpEvent';
import { referencedImages, type ImageInfo } from '../model/imageRefs';
import { looksLikePdf } from '../model/encapsulatedDocument';
import { documentHeading, srHeading, type ReportHeading } from '../model/reportHeading';
import { loadDocumentBytes, loadImageInfo, loadReportSeries, type LoadedReport } from '../reportSource';
import { MeasurementTable } from './MeasurementTable';
import { PdfView } from './PdfView';
import { SrTreeView } from './SrTreeView';
import './reportPanel.css';

export interface ReportPanelProps {
  plane: DataPlane;
  /** The SR or DOC series to show. */
  series: SeriesSummary;
  onClose: () => void;
  /** What an image reference does; by default the window event the viewer listens for (jumpEvent.ts). */
  onJumpToImage?: (target: JumpToImage) => void;
}

type Loaded = { kind: 'loading' } | { kind: 'error'; error: string } | { kind: 'ok'; reports: LoadedReport[] };

export function ReportPanel({ plane, series, onClose, onJumpToImage = requestJumpToImage }: ReportPanelProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [index, setIndex] = useState(0);
  const panelRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const metaId = useId();

  useEffect(() => {
    const ctl = new AbortController();
    setLoaded({ kind: 'loading' });
    setIndex(0);
    loadReportSeries(plane, series.studyInstanceUid, series.seriesInstanceUid, ctl.signal)
      .then((reports) => setLoaded({ kind: 'ok', reports }))
      .catch((err: Error) => {
        if (err.name !== 'AbortError') setLoaded({ kind: 'error', error: errorText(t, err) });
      });
    return () => ctl.abort();
    // Not on `t`: a language switch does not need the series loaded again.
  }, [plane, series.studyInstanceUid, series.seriesInstanceUid]);

  // Focus into the panel when it opens, back to what had it (the series tile) when it closes.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    panelRef.current?.focus();
    return () => {
      if (before && document.contains(before)) before.focus();
    };
  }, []);

  const reports = loaded.kind === 'ok' ? loaded.reports : [];
  const report = reports[Math.min(index, reports.length - 1)];
  const heading: ReportHeading | undefined = report
    ? report.kind === 'sr'
      ? srHeading(report.doc, language, t('reports.panel.untitled'), (pn) => displayPersonName(pn, language))
      : documentHeading(report.ds, language, t('reports.panel.untitled'))
    : undefined;
  const flags =
    report?.kind === 'sr'
      ? [report.doc.preliminary, report.doc.completion, report.doc.verification].filter((f): f is string => !!f && ['COMPLETE', 'PARTIAL', 'VERIFIED', 'UNVERIFIED', 'PRELIMINARY', 'FINAL'].includes(f)).map((f) => t(`reports.flag.${f}`))
      : [];

  const panel = (
    <div
      className="report-panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      aria-describedby={metaId}
      tabIndex={-1}
      ref={panelRef}
      data-testid="report-panel"
      data-state={loaded.kind}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="report-head">
        <div className="report-head-text">
          <h2 id={titleId} className="report-title">
            {heading?.title ?? t('reports.panel.label')}
          </h2>
          <div id={metaId} className="report-meta" data-testid="report-meta">
            {heading ? [t(heading.kindKey), heading.when, heading.author ? t('reports.panel.author', { name: heading.author }) : '', ...flags].filter(Boolean).join(' · ') : ''}
          </div>
        </div>
        <button type="button" className="report-close" onClick={onClose} title={t('reports.panel.closeHint')}>
          {t('reports.panel.close')}
        </button>
      </header>
      {reports.length > 1 ? (
        <nav className="report-documents" aria-label={t('reports.panel.documents')}>
          {reports.map((r, i) => (
            <button key={r.sopInstanceUid || i} type="button" aria-pressed={i === index} onClick={() => setIndex(i)}>
              {t('reports.panel.document', { number: i + 1 })}
            </button>
          ))}
        </nav>
      ) : null}
      <div className="report-body">
        {loaded.kind === 'loading' ? <p className="report-note">{t('reports.panel.loading')}</p> : null}
        {loaded.kind === 'error' ? (
          <div className="banner error" role="alert">
            {t('reports.panel.failed', { error: loaded.error })}
          </div>
        ) : null}
        {loaded.kind === 'ok' && !report ? <p className="report-note">{t('reports.panel.empty')}</p> : null}
        {report?.kind === 'sr' ? <SrReport key={report.sopInstanceUid} plane={plane} report={report} onJumpToImage={onJumpToImage} /> : null}
        {report?.kind === 'document' ? <DocumentReport key={report.sopInstanceUid} plane={plane} report={report} /> : null}
      </div>
    </div>
  );
  // On the body: the series strip's column clips what it holds, and the panel belongs over the viewer.
  return createPortal(panel, document.body);
}

function SrReport({ plane, report, onJumpToImage }: { plane: DataPlane; report: Extract<LoadedReport, { kind: 'sr' }>; onJumpToImage: (target: JumpToImage) => void }) {
  const { t } = useTranslation();
  const [images, setImages] = useState<ReadonlyMap<string, ImageInfo>>(new Map());
  const refs = useMemo(() => referencedImages(report.doc.root), [report]);

  // Instance numbers and series descriptions for the labels: the studies the references are in (from the
  // evidence), and the report's own study for references the evidence leaves out.
  useEffect(() => {
    if (refs.length === 0) return;
    const ctl = new AbortController();
    const studies = [report.studyInstanceUid, ...refs.map((r) => report.evidence.get(r.sopInstanceUid)?.studyInstanceUid).filter((s): s is string => !!s)];
    loadImageInfo(plane, studies, ctl.signal).then(setImages, () => undefined);
    return () => ctl.abort();
  }, [plane, report, refs]);

  const lookup = { images, evidence: report.evidence };
  return (
    <>
      {report.doc.invalidCount > 0 ? (
        <div className="banner info" role="status">
          {t('reports.tree.unreadable', { count: report.doc.invalidCount })}
        </div>
      ) : null}
      {report.measurements ? (
        <section className="report-section" aria-label={t('reports.measurements.label')}>
          <h3 className="sr-heading">{t('reports.measurements.label')}</h3>
          <MeasurementTable measurements={report.measurements.measurements} lookup={lookup} onJumpToImage={onJumpToImage} />
        </section>
      ) : null}
      <SrTreeView root={report.doc.root} images={images} evidence={report.evidence} onJumpToImage={onJumpToImage} />
    </>
  );
}

type DocState = { kind: 'loading' } | { kind: 'error'; error: string } | { kind: 'pdf'; bytes: Uint8Array } | { kind: 'not-pdf'; mime: string };

function DocumentReport({ plane, report }: { plane: DataPlane; report: Extract<LoadedReport, { kind: 'document' }> }) {
  const { t } = useTranslation();
  const [state, setState] = useState<DocState>({ kind: 'loading' });
  useEffect(() => {
    const { mime } = report.info;
    // Only PDF is drawn here; a CDA, STL or other document says what it is instead of being fetched.
    if (mime && mime !== 'application/pdf') {
      setState({ kind: 'not-pdf', mime });
      return;
    }
    const ctl = new AbortController();
    loadDocumentBytes(plane, report, ctl.signal)
      .then((bytes) => {
        if (bytes.byteLength === 0) setState({ kind: 'error', error: t('reports.pdf.noDocument') });
        // No MIME type and not a PDF: say so rather than hand pdf.js something else.
        else if (!mime && !looksLikePdf(bytes)) setState({ kind: 'not-pdf', mime: '?' });
        else setState({ kind: 'pdf', bytes });
      })
      .catch((err: Error) => {
        if (err.name !== 'AbortError') setState({ kind: 'error', error: errorText(t, err) });
      });
    return () => ctl.abort();
  }, [plane, report]);
  if (state.kind === 'loading') return <p className="report-note">{t('reports.pdf.loading')}</p>;
  if (state.kind === 'error')
    return (
      <div className="banner error" role="alert">
        {t('reports.pdf.failed', { error: state.error })}
      </div>
    );
  if (state.kind === 'not-pdf') return <p className="report-note">{t('reports.pdf.notPdf', { mime: state.mime })}</p>;
  return <PdfView bytes={state.bytes} />;
}
