/**
 * The viewer's key images as a DICOM Key Object Selection Document (SOP Class 1.2.840.10008.5.1.4.1.1.88.59,
 * PS3.3 A.35.4; issue #19), written with dcmjs through the same document frame as the measurement report
 * (measurementReportWriter.ts: patient and study copied from a header, equipment, Part 10).
 *
 * Content (TID 2010 Key Object Selection):
 *   CONTAINER, concept = the document title (CID 7010: "Of Interest", "For Teaching"…), template 2010 DCMR
 *     HAS CONCEPT MOD  CODE (121049) Language of Content Item and Descendants (without the country: the KO IOD's
 *                      relationship constraints give only the root CONTAINER children, A.35.4.3.1.2)
 *     HAS OBS CONTEXT  Observer Type Person + Person Observer Name, when a name is given (TID 1002)
 *     CONTAINS         TEXT (113012, DCM) Key Object Description, when given
 *     CONTAINS         IMAGE, one per key image (Referenced SOP Sequence, with Referenced Frame Number for a frame
 *                      of a multi-frame image)
 * Modules: Patient, General Study, Key Object Document Series (Modality KO, empty Referenced Performed Procedure
 * Step Sequence), General Equipment, Key Object Document (Instance Number, Content Date/Time, Current Requested
 * Procedure Evidence Sequence: every key image by study/series/instance), SR Document Content, SOP Common.
 */
import { getString } from '../../../common/dicom/dicomJson';
import { Tag } from '../../../common/dicom/tags';
import { KEY_IMAGE_TITLES, type KeyImageTitle } from '../../../common/sr/savedMeasurements';
import {
  checkedImage,
  checkUid,
  codeItem,
  hierarchicalReferences,
  item,
  languageItem,
  observerItems,
  ReportWriteError,
  writeDocument,
  type CodeItem,
  type InstanceRef,
  type Item,
  type ReportDocumentInput,
  type ReportImage,
} from './measurementReportWriter';

export const KEY_OBJECT_SELECTION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.59';

/** A Key Object Selection document must select at least one image (TID 2010: IMAGE 1-n). */
export class NoKeyImagesError extends ReportWriteError {
  constructor(message = 'A key object selection needs at least one key image') {
    super(message);
    this.name = 'NoKeyImagesError';
  }
}

export interface KeyObjectInput extends ReportDocumentInput {
  /** The document title (CID 7010). */
  title: KeyImageTitle;
  /** Key Object Description (113012, DCM): the reader's note on why these images. */
  description?: string;
  /** The key images, in the order shown; `frame` for a frame of a multi-frame image. */
  images: readonly ReportImage[];
}

/** The Key Object Selection document, Part 10 bytes. Throws NoKeyImagesError without images, ReportWriteError on a bad request. */
export function writeKeyObjectSelection(input: KeyObjectInput): Uint8Array {
  if (input.images.length === 0) throw new NoKeyImagesError();
  const title = KEY_IMAGE_TITLES[input.title];
  if (!title) throw new ReportWriteError(`Unknown key object title "${String(input.title)}"`);
  const studyUid = checkUid('Study Instance UID of the header', getString(input.header, Tag.StudyInstanceUID)?.trim());
  const images = input.images.map((im) => checkedImage(im, studyUid));
  // Two frames of one image are two key images; the same frame twice is one.
  const seen = new Set<string>();
  const keyImages = images.filter((im) => {
    const k = `${im.sopInstanceUid}/${im.frame ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return writeKeyObjectDocument(input, codeItem(title.value, title.scheme, title.meaning), keyImages.map((im) => item.image('CONTAINS', im)), images);
}

/**
 * The Key Object Selection document both kinds share (a selection, a rejection note): the titled root with the
 * language, the observer and the description, then `selected`; `evidence` in the Current Requested Procedure
 * Evidence Sequence.
 */
function writeKeyObjectDocument(
  input: ReportDocumentInput & { description?: string | undefined },
  title: CodeItem,
  selected: readonly Item[],
  evidence: readonly InstanceRef[],
): Uint8Array {
  const description = input.description?.trim();
  const content = item.container(undefined, title, [
    languageItem(input.language, false),
    ...(input.observerName ? observerItems(input.observerName) : []),
    ...(description ? [item.text('CONTAINS', codeItem('113012', 'DCM', 'Key Object Description'), description)] : []),
    ...selected,
  ]);
  return writeDocument(input, {
    sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS,
    modality: 'KO',
    defaultSeriesNumber: 9102,
    attributes: {
      // Key Object Document
      CurrentRequestedProcedureEvidenceSequence: hierarchicalReferences(evidence),
      // SR Document Content: the root
      ...content,
      ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2010' }],
    },
  });
}

/** The rejection note title the viewer writes (CID 7011; see writeRejectionNote). */
export const REJECTED_FOR_QUALITY_REASONS = { value: '113001', scheme: 'DCM', meaning: 'Rejected for Quality Reasons' } as const;

export interface RejectionNoteInput extends ReportDocumentInput {
  /** The documents rejected (at least one): the key object selections whose images the reader unmarked. */
  rejected: readonly ReportImage[];
  /** Key Object Description: why (e.g. "Key images unmarked: Of Interest"). */
  description?: string;
}

/**
 * An IHE IOCM rejection note: a Key Object Selection document titled "Rejected for Quality Reasons" (CID 7011)
 * whose COMPOSITE items are the rejected instances, all in its evidence. How the viewer unmarks a title's last key
 * image (a KO cannot be empty; common/sr/studyDocuments.ts): readers leave the rejected documents out, and a PACS
 * with IOCM hides them. CID 7011 has no "withdrawn by its author" code; "quality" is the one IOCM uses for any
 * instance that should not be used, which is what an unmarked selection is. Part 10 bytes.
 */
export function writeRejectionNote(input: RejectionNoteInput): Uint8Array {
  if (input.rejected.length === 0) throw new ReportWriteError('A rejection note needs at least one rejected document');
  const studyUid = checkUid('Study Instance UID of the header', getString(input.header, Tag.StudyInstanceUID)?.trim());
  const rejected: InstanceRef[] = input.rejected.map((r) => {
    const { frame: _frame, ...ref } = checkedImage(r, studyUid);
    return ref;
  });
  const t = REJECTED_FOR_QUALITY_REASONS;
  return writeKeyObjectDocument(input, codeItem(t.value, t.scheme, t.meaning), rejected.map((r) => item.composite('CONTAINS', r)), rejected);
}
