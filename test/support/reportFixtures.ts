/**
 * Reports written in the test (issue #19): a tiny hand-written PDF (black rectangles at known places, so a test can
 * find them in the rendered canvas), the encapsulated PDF instance that carries it, and SR instances (a narrative
 * report and a TID 1500 measurement report) that refer to a CT image. Written with dcmjs through writeDcmjs.
 */
import { writeDcmjs } from './dcmjsWrite';

export const ENCAPSULATED_PDF_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.104.1';
export const COMPREHENSIVE_SR_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.33';
export const ENHANCED_SR_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.22';

/** One page of the tiny PDF: its size in points and a filled black rectangle (x, y from the bottom-left, in points). */
export interface TinyPdfPage {
  width: number;
  height: number;
  rect: [x: number, y: number, w: number, h: number];
  text?: string;
}

/** The two pages the tests use: page 1 a rectangle left of centre and below the middle, page 2 one in the top-right. */
export const TINY_PDF_PAGES: readonly TinyPdfPage[] = [
  { width: 300, height: 200, rect: [50, 50, 100, 50], text: 'Dokuei PDF report' },
  { width: 300, height: 200, rect: [200, 130, 80, 50], text: 'Page 2' },
];

/**
 * A valid PDF 1.4 with one page per entry (xref offsets computed, so pdf.js needs no repair). `padding` adds a
 * comment of that many bytes after the header: a report larger than the metadata's inline limit (16 KiB) makes the
 * viewer fetch the Encapsulated Document over the bulk data route.
 */
export function tinyPdf(pages: readonly TinyPdfPage[] = TINY_PDF_PAGES, padding = 0): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 4 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pages.forEach((p, i) => {
    const id = pageIds[i]!;
    const [x, y, w, h] = p.rect;
    const content = `0 0 0 rg ${x} ${y} ${w} ${h} re f${p.text ? ` BT /F1 14 Tf 20 ${p.height - 30} Td (${p.text}) Tj ET` : ''}`;
    objects[id] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${p.width} ${p.height}] /Contents ${id + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`;
    objects[id + 1] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  });
  let out = '%PDF-1.4\n';
  if (padding > 0) out += `%${'x'.repeat(padding)}\n`;
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

/** Who the report is about and where it belongs: the patient and study of the images it refers to. */
export interface ReportStudy {
  StudyInstanceUID: string;
  PatientName: string;
  PatientID: string;
  StudyDate?: string;
  StudyTime?: string;
}

/** An encapsulated PDF instance (Modality DOC) holding `pdf`. */
export function encapsulatedPdf(study: ReportStudy, uids: { series: string; sop: string }, pdf: Uint8Array, title = 'Radiology report'): Uint8Array {
  // OB values are padded to an even length; Encapsulated Document Length says where the PDF ends.
  const even = new Uint8Array(pdf.byteLength + (pdf.byteLength % 2));
  even.set(pdf);
  return writeDcmjs({
    ...study,
    SOPClassUID: ENCAPSULATED_PDF_SOP_CLASS,
    SOPInstanceUID: uids.sop,
    SeriesInstanceUID: uids.series,
    Modality: 'DOC',
    SeriesNumber: '90',
    InstanceNumber: '1',
    SeriesDescription: 'PDF report',
    ContentDate: '20260102',
    ContentTime: '093000',
    DocumentTitle: title,
    BurnedInAnnotation: 'YES',
    ConceptNameCodeSequence: [code('18748-4', 'LN', 'Diagnostic Imaging Report')],
    MIMETypeOfEncapsulatedDocument: 'application/pdf',
    EncapsulatedDocumentLength: pdf.byteLength,
    EncapsulatedDocument: even.buffer,
  });
}

export function code(value: string, scheme: string, meaning: string): Record<string, string> {
  return { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning };
}

type Item = Record<string, unknown>;

const container = (rel: string | undefined, concept: Item, children: Item[]): Item => ({
  ...(rel ? { RelationshipType: rel } : {}),
  ValueType: 'CONTAINER',
  ConceptNameCodeSequence: [concept],
  ContinuityOfContent: 'SEPARATE',
  ContentSequence: children,
});
const text = (rel: string, concept: Item, value: string): Item => ({ RelationshipType: rel, ValueType: 'TEXT', ConceptNameCodeSequence: [concept], TextValue: value });
const coded = (rel: string, concept: Item, value: Item): Item => ({ RelationshipType: rel, ValueType: 'CODE', ConceptNameCodeSequence: [concept], ConceptCodeSequence: [value] });
const num = (rel: string, concept: Item, value: string, unit: Item, children: Item[] = []): Item => ({
  RelationshipType: rel,
  ValueType: 'NUM',
  ConceptNameCodeSequence: [concept],
  MeasuredValueSequence: [{ NumericValue: value, MeasurementUnitsCodeSequence: [unit] }],
  ...(children.length ? { ContentSequence: children } : {}),
});

/** The CT image the reports point at. */
export interface ReferencedImage {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

const image = (rel: string, ref: ReferencedImage, concept?: Item): Item => ({
  RelationshipType: rel,
  ValueType: 'IMAGE',
  ...(concept ? { ConceptNameCodeSequence: [concept] } : {}),
  ReferencedSOPSequence: [{ ReferencedSOPClassUID: ref.sopClassUid, ReferencedSOPInstanceUID: ref.sopInstanceUid }],
});

const evidence = (ref: ReferencedImage) => [
  {
    StudyInstanceUID: ref.studyInstanceUid,
    ReferencedSeriesSequence: [{ SeriesInstanceUID: ref.seriesInstanceUid, ReferencedSOPSequence: [{ ReferencedSOPClassUID: ref.sopClassUid, ReferencedSOPInstanceUID: ref.sopInstanceUid }] }],
  },
];

/** What the narrative report says, for the test to look for. */
export const NARRATIVE = {
  title: 'Diagnostic Imaging Report',
  observer: 'Yamada^Hanako',
  findings: 'Findings',
  finding: 'Solid nodule in the right upper lobe, smooth margins.',
  site: 'Upper lobe of right lung',
  diameter: '12.3',
  conclusions: 'Conclusions',
  conclusion: 'Follow-up CT in 3 months is recommended.',
} as const;

/**
 * A Comprehensive SR narrative report (TID 2000-like): observer context, a Findings container with a text, a coded
 * finding site, a diameter in mm, an image reference and a point on that image, then Conclusions.
 */
export function narrativeSr(study: ReportStudy, uids: { series: string; sop: string }, ref: ReferencedImage): Uint8Array {
  const root = container(undefined, code('18748-4', 'LN', NARRATIVE.title), [
    { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'PNAME', ConceptNameCodeSequence: [code('121008', 'DCM', 'Person Observer Name')], PersonName: NARRATIVE.observer },
    container('CONTAINS', code('121070', 'DCM', NARRATIVE.findings), [
      text('CONTAINS', code('121071', 'DCM', 'Finding'), NARRATIVE.finding),
      coded('CONTAINS', code('363698007', 'SCT', 'Finding Site'), code('45653009', 'SCT', NARRATIVE.site)),
      num('CONTAINS', code('81827009', 'SCT', 'Diameter'), NARRATIVE.diameter, code('mm', 'UCUM', 'millimeter')),
      image('CONTAINS', ref, code('121112', 'DCM', 'Source of Measurement')),
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'SCOORD',
        ConceptNameCodeSequence: [code('111030', 'DCM', 'Image Region')],
        GraphicType: 'POINT',
        GraphicData: [256, 200],
        ContentSequence: [image('SELECTED FROM', ref)],
      },
    ]),
    container('CONTAINS', code('121076', 'DCM', NARRATIVE.conclusions), [text('CONTAINS', code('121077', 'DCM', 'Conclusion'), NARRATIVE.conclusion)]),
  ]);
  return writeDcmjs({
    ...study,
    SOPClassUID: COMPREHENSIVE_SR_SOP_CLASS,
    SOPInstanceUID: uids.sop,
    SeriesInstanceUID: uids.series,
    Modality: 'SR',
    SeriesNumber: '80',
    InstanceNumber: '1',
    SeriesDescription: 'Radiology report',
    ContentDate: '20260102',
    ContentTime: '091500',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    CurrentRequestedProcedureEvidenceSequence: evidence(ref),
    ...root,
  });
}

/** A TID 1500 measurement report with one Length measurement (a polyline on the CT image), as dcmjs adapters lay it out. */
export function measurementSr(study: ReportStudy, uids: { series: string; sop: string }, ref: ReferencedImage): Uint8Array {
  const group = container('CONTAINS', code('125007', 'DCM', 'Measurement Group'), [
    text('HAS OBS CONTEXT', code('112039', 'DCM', 'Tracking Identifier'), 'Nodule 1'),
    { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'UIDREF', ConceptNameCodeSequence: [code('112040', 'DCM', 'Tracking Unique Identifier')], UID: `${uids.sop}.9` },
    coded('CONTAINS', code('121071', 'DCM', 'Finding'), code('27925004', 'SCT', 'Nodule')),
    num('CONTAINS', code('410668003', 'SCT', 'Length'), '18.5', code('mm', 'UCUM', 'millimeter'), [
      {
        RelationshipType: 'INFERRED FROM',
        ValueType: 'SCOORD',
        GraphicType: 'POLYLINE',
        GraphicData: [200, 180, 260, 220],
        ContentSequence: [image('SELECTED FROM', ref)],
      },
    ]),
  ]);
  const root = container(undefined, code('126000', 'DCM', 'Imaging Measurement Report'), [
    { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'PNAME', ConceptNameCodeSequence: [code('121008', 'DCM', 'Person Observer Name')], PersonName: 'Suzuki^Ichiro' },
    container('CONTAINS', code('111028', 'DCM', 'Image Library'), [container('CONTAINS', code('126200', 'DCM', 'Image Library Group'), [image('CONTAINS', ref)])]),
    container('CONTAINS', code('126010', 'DCM', 'Imaging Measurements'), [group]),
  ]);
  return writeDcmjs({
    ...study,
    SOPClassUID: ENHANCED_SR_SOP_CLASS,
    SOPInstanceUID: uids.sop,
    SeriesInstanceUID: uids.series,
    Modality: 'SR',
    SeriesNumber: '81',
    InstanceNumber: '1',
    SeriesDescription: 'Measurements',
    ContentDate: '20260102',
    ContentTime: '100000',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    CurrentRequestedProcedureEvidenceSequence: evidence(ref),
    ...root,
  });
}
