/**
 * Modalities whose series hold no images (registrations, segmentations, reports, presentation states, waveforms…):
 * one list for every place that decides what may go into a viewer cell — the hanging-protocol chooser
 * (common/viewer/hangingProtocols.ts) and the viewer's series strip and cells (renderer/features/viewer).
 */

/** What each non-image modality is, in words (PS3.3 C.7.3.1.1.1 defined terms). */
const NON_IMAGE_MODALITIES: Readonly<Record<string, string>> = {
  REG: 'Spatial registration',
  SEG: 'Segmentation',
  RWVM: 'Real world value mapping',
  SR: 'Structured report',
  PR: 'Presentation state',
  KO: 'Key object selection',
  RTSTRUCT: 'RT structure set',
  RTPLAN: 'RT plan',
  RTRECORD: 'RT treatment record',
  DOC: 'Document',
  FID: 'Fiducials',
  PLAN: 'Plan',
  AU: 'Audio',
  ECG: 'Waveform',
  HD: 'Waveform',
};

/** What a series is when it holds no images ("Spatial registration"); undefined for image series. */
export function nonImageKind(modality: string | undefined): string | undefined {
  return NON_IMAGE_MODALITIES[(modality ?? '').trim().toUpperCase()];
}
