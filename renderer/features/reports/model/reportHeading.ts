/**
 * What a report's title bar says (issue #19): the document's title (the SR's root concept, a PDF's Document Title),
 * when it was written, and who wrote or verified it; the kind of document from its SOP class.
 */
import { getString, type DicomJsonDataset, type PersonNameValue } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { isCode, type SrDocument } from '../../../../common/sr';
import { codeText, contentWhen, type Language } from './format';

/** SOP classes of the reports the panel shows, and the catalogue key of each kind's name. */
const KIND_KEYS: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.88.11': 'reports.kind.basicText',
  '1.2.840.10008.5.1.4.1.1.88.22': 'reports.kind.enhanced',
  '1.2.840.10008.5.1.4.1.1.88.33': 'reports.kind.comprehensive',
  '1.2.840.10008.5.1.4.1.1.88.34': 'reports.kind.comprehensive3d',
  '1.2.840.10008.5.1.4.1.1.88.35': 'reports.kind.extensible',
  '1.2.840.10008.5.1.4.1.1.88.59': 'reports.kind.keyObjects',
  '1.2.840.10008.5.1.4.1.1.88.67': 'reports.kind.doseReport',
  '1.2.840.10008.5.1.4.1.1.104.1': 'reports.kind.pdf',
};

export const ENCAPSULATED_PDF_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.104.1';

/** The catalogue key naming the kind of document ("Comprehensive SR", "PDF report"); a generic one for other classes. */
export function reportKindKey(sopClassUid: string | undefined, modality?: string): string {
  const key = sopClassUid ? KIND_KEYS[sopClassUid.trim()] : undefined;
  if (key) return key;
  return (modality ?? '').trim().toUpperCase() === 'DOC' ? 'reports.kind.document' : 'reports.kind.sr';
}

/** Which series open in the report panel: structured reports and encapsulated documents. Key objects (KO) do not. */
export function reportSeriesKind(modality: string | undefined): 'sr' | 'doc' | undefined {
  const m = (modality ?? '').trim().toUpperCase();
  return m === 'SR' ? 'sr' : m === 'DOC' ? 'doc' : undefined;
}

const PERSON_OBSERVER_NAME = ['DCM', '121008'] as const;

/** A person as the document names them: the name's groups when it has them (for the reader's language), and as text. */
export interface SrPerson {
  name?: PersonNameValue;
  text: string;
}

/**
 * Who wrote the report: the Person Observer Name of the root's observation context (TID 1002), else the first
 * verifying observer; undefined when the document names nobody.
 */
export function srAuthor(doc: SrDocument): SrPerson | undefined {
  for (const c of doc.root.children) {
    if (c.kind === 'pname' && isCode(c.concept, PERSON_OBSERVER_NAME) && c.text.trim()) return { name: c.name, text: c.text.trim() };
  }
  const verifier = doc.verifyingObservers.find((o) => o.name.trim())?.name.trim();
  return verifier ? { text: verifier } : undefined;
}

export interface ReportHeading {
  title: string;
  /** "2026-01-02 09:15", or '' when the document has no Content Date. */
  when: string;
  author?: string;
  /** The catalogue key of the document's kind. */
  kindKey: string;
}

/**
 * The heading of an SR: its title, Content Date/Time and author. `untitled` is the words for a document without a
 * title; `personName` writes a name in the reader's language (the UI's displayPersonName), else the name as text.
 */
export function srHeading(doc: SrDocument, language: Language, untitled: string, personName?: (name: PersonNameValue) => string): ReportHeading {
  const person = srAuthor(doc);
  const author = person ? (person.name && personName?.(person.name)) || person.text : undefined;
  return {
    title: codeText(doc.title) || untitled,
    when: contentWhen(doc.contentDate, doc.contentTime, language),
    ...(author ? { author } : {}),
    kindKey: reportKindKey(doc.sopClassUid),
  };
}

/** Tags the shared table (common/dicom/tags.ts) does not name; only the reports read them. */
const DocTag = { DocumentTitle: '00420010', ConceptNameCodeSequence: '0040A043', CodeMeaning: '00080104', ContentDate: '00080023', ContentTime: '00080033' } as const;

/** The heading of an encapsulated document: Document Title (else its Concept Name), Content Date/Time. */
export function documentHeading(ds: DicomJsonDataset, language: Language, untitled: string): ReportHeading {
  const concept = (ds[DocTag.ConceptNameCodeSequence]?.Value?.[0] as DicomJsonDataset | undefined) ?? {};
  const title = getString(ds, DocTag.DocumentTitle)?.trim() || getString(concept, DocTag.CodeMeaning)?.trim() || untitled;
  return {
    title,
    when: contentWhen(getString(ds, DocTag.ContentDate)?.trim(), getString(ds, DocTag.ContentTime)?.trim(), language),
    kindKey: reportKindKey(getString(ds, Tag.SOPClassUID), getString(ds, Tag.Modality)),
  };
}
