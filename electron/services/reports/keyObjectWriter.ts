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
  type ReportDocumentInput,
  type ReportImage,
} from './measurementReportWriter';

export const KEY_OBJECT_SELECTION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.59';

/** A Key Object Selection document must select at least one image (TID 2010: IMAGE 1-n). */
export class NoKeyImagesError extends ReportWriteError {
  constructor() {
    super('A key object selection needs at least one key image');
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
  const description = input.description?.trim();

  const content = item.container(undefined, codeItem(title.value, title.scheme, title.meaning), [
    languageItem(input.language, false),
    ...(input.observerName ? observerItems(input.observerName) : []),
    ...(description ? [item.text('CONTAINS', codeItem('113012', 'DCM', 'Key Object Description'), description)] : []),
    ...keyImages.map((im) => item.image('CONTAINS', im)),
  ]);
  return writeDocument(input, {
    sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS,
    modality: 'KO',
    defaultSeriesNumber: 9102,
    attributes: {
      // Key Object Document
      CurrentRequestedProcedureEvidenceSequence: hierarchicalReferences(images),
      // SR Document Content: the root
      ...content,
      ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2010' }],
    },
  });
}
