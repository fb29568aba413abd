/**
 * An encapsulated PDF report (issue #19) drawn with pdf.js: one page at a time on a canvas, fitted to the panel's
 * width (or zoomed), with the page count and previous/next. pdf.js and its worker load only when a PDF is opened.
 * The worker is a file of the renderer bundle (CSP worker-src 'self'); eval is off (script-src has no
 * 'unsafe-eval'), and nothing is fetched: the bytes are given, fonts the PDF does not embed use the system's.
 */
import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useTranslation } from '../../../ui/i18n';

type PdfJs = typeof import('pdfjs-dist');
let pdfjsLoading: Promise<PdfJs> | undefined;

/** pdf.js with its worker set, loaded once on first use. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjsLoading ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([lib, worker]) => {
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return lib;
  });
  return pdfjsLoading;
}

/** Padding around the page inside the view, in CSS pixels (fit-width leaves it free). */
const PAD = 12;
const MIN_SCALE = 0.25;
const MAX_SCALE = 6;

export function PdfView({ bytes }: { bytes: Uint8Array }) {
  const { t } = useTranslation();
  const [pdf, setPdf] = useState<PDFDocumentProxy>();
  const [error, setError] = useState<string>();
  const [page, setPage] = useState(1);
  /** 'fit': the page as wide as the view; a number: points → CSS pixels. */
  const [zoom, setZoom] = useState<'fit' | number>('fit');
  const [scale, setScale] = useState<number>();
  const [width, setWidth] = useState(0);
  const [renderedPage, setRenderedPage] = useState<number>();
  const viewRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let live = true;
    let doc: PDFDocumentProxy | undefined;
    setPdf(undefined);
    setError(undefined);
    setPage(1);
    loadPdfJs()
      // pdf.js moves the buffer it is given to its worker: a copy keeps the caller's bytes usable.
      .then((lib) => lib.getDocument({ data: bytes.slice(), isEvalSupported: false, enableXfa: false, stopAtErrors: false }).promise)
      .then((d) => {
        doc = d;
        if (live) setPdf(d);
        else void d.destroy();
      })
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
      void doc?.destroy();
    };
  }, [bytes]);

  // The view's width, for fit-width (the panel can be resized with the window).
  useEffect(() => {
    const el = viewRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!pdf || !canvas || width <= 0) return;
    let task: RenderTask | undefined;
    let live = true;
    setRenderedPage(undefined);
    (async () => {
      const p = await pdf.getPage(page);
      if (!live) return;
      const base = p.getViewport({ scale: 1 });
      const s = zoom === 'fit' ? Math.max(MIN_SCALE, (width - 2 * PAD) / base.width) : zoom;
      setScale(s);
      // Drawn at the screen's pixel density so that small print stays sharp; shown at CSS size.
      const dpr = window.devicePixelRatio || 1;
      const viewport = p.getViewport({ scale: s * dpr });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(viewport.width / dpr)}px`;
      canvas.style.height = `${Math.floor(viewport.height / dpr)}px`;
      task = p.render({ canvas, viewport });
      await task.promise;
      if (live) setRenderedPage(page);
    })().catch((err: Error) => {
      // A newer render replaced this one: not an error.
      if (live && err.name !== 'RenderingCancelledException') setError(err.message);
    });
    return () => {
      live = false;
      task?.cancel();
    };
  }, [pdf, page, zoom, width]);

  const pages = pdf?.numPages ?? 0;
  const zoomBy = (f: number) => setZoom(Math.min(MAX_SCALE, Math.max(MIN_SCALE, (scale ?? 1) * f)));
  const state = error ? 'error' : renderedPage === page ? 'ready' : 'loading';
  return (
    <div className="report-pdf" data-testid="pdf-view" data-state={state} data-page={page} data-pages={pages}>
      <div className="report-pdf-toolbar" role="toolbar" aria-label={t('reports.pdf.label')}>
        <button type="button" onClick={() => setPage((n) => Math.max(1, n - 1))} disabled={page <= 1} aria-label={t('reports.pdf.previous')}>
          ‹
        </button>
        <span className="report-pdf-page" aria-live="polite">
          {pages ? t('reports.pdf.page', { page, pages }) : ''}
        </span>
        <button type="button" onClick={() => setPage((n) => Math.min(pages, n + 1))} disabled={page >= pages} aria-label={t('reports.pdf.next')}>
          ›
        </button>
        <span className="report-pdf-spacer" />
        <button type="button" onClick={() => zoomBy(1 / 1.25)} aria-label={t('reports.pdf.zoomOut')}>
          −
        </button>
        <span className="report-pdf-zoom">{scale ? `${Math.round(scale * 100)}%` : ''}</span>
        <button type="button" onClick={() => zoomBy(1.25)} aria-label={t('reports.pdf.zoomIn')}>
          +
        </button>
        <button type="button" onClick={() => setZoom('fit')} aria-pressed={zoom === 'fit'}>
          {t('reports.pdf.fitWidth')}
        </button>
      </div>
      <div className="report-pdf-view" ref={viewRef}>
        {error ? (
          <div className="banner error" role="alert">
            {t('reports.pdf.failed', { error })}
          </div>
        ) : null}
        {!pdf && !error ? <div className="report-note">{t('reports.pdf.loading')}</div> : null}
        <canvas ref={canvasRef} className="report-pdf-canvas" data-testid="pdf-page" data-rendered-page={renderedPage} aria-label={t('reports.pdf.pageCanvas', { page })} hidden={!pdf} />
      </div>
    </div>
  );
}
