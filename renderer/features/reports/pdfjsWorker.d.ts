// Vite's `?url` import of pdf.js's worker (PdfView.tsx): the emitted file's URL. The web tsconfig loads no
// vite/client types (it has no ambient types at all), so the one module used is declared here.
declare module 'pdfjs-dist/build/pdf.worker.min.mjs?url' {
  const url: string;
  export default url;
}
