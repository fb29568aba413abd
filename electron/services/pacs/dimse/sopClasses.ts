/**
 * Which SOP classes and transfer syntaxes Dokuei offers and accepts for storage over DIMSE.
 *
 * A C-GET SCU must list, in its association request, every storage SOP class it wants to receive (each
 * with the SCP role), and an association holds at most 128 presentation contexts. So instead of the
 * library's list (about 60 classes, uncompressed only) we propose the classes a reading workstation meets,
 * image classes twice: once uncompressed, once with the lossless compressed syntaxes, so that a peer can
 * send what it stores without decompressing. Lossy syntaxes are never proposed for C-GET: the peer would be
 * free to lossy-compress a lossless original for us. (Lossy originals still arrive, decompressed by the peer.)
 *
 * Our C-STORE SCP is the receiving end chosen by the peer: it accepts any storage class and the syntax the
 * sender prefers among those we can decode, lossy included, since the sender then sends what it has.
 */

export const TS = {
  ImplicitLittle: '1.2.840.10008.1.2',
  ExplicitLittle: '1.2.840.10008.1.2.1',
  Rle: '1.2.840.10008.1.2.5',
  JpegBaseline: '1.2.840.10008.1.2.4.50',
  JpegExtended: '1.2.840.10008.1.2.4.51',
  JpegLossless: '1.2.840.10008.1.2.4.57',
  JpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  JpegLsLossless: '1.2.840.10008.1.2.4.80',
  JpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  Jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  Jpeg2000: '1.2.840.10008.1.2.4.91',
  HtJpeg2000Lossless: '1.2.840.10008.1.2.4.201',
  HtJpeg2000LosslessRpcl: '1.2.840.10008.1.2.4.202',
  HtJpeg2000: '1.2.840.10008.1.2.4.203',
} as const;

export const UNCOMPRESSED_SYNTAXES: readonly string[] = [TS.ExplicitLittle, TS.ImplicitLittle];
export const LOSSLESS_COMPRESSED_SYNTAXES: readonly string[] = [
  TS.JpegLosslessSv1,
  TS.JpegLossless,
  TS.JpegLsLossless,
  TS.Jpeg2000Lossless,
  TS.HtJpeg2000Lossless,
  TS.HtJpeg2000LosslessRpcl,
  TS.Rle,
];
const LOSSY_SYNTAXES: readonly string[] = [TS.JpegBaseline, TS.JpegExtended, TS.JpegLsNearLossless, TS.Jpeg2000, TS.HtJpeg2000];

/** What our SCP accepts (Big Endian and Deflate are retired/rare and not decoded downstream). */
export const SCP_ACCEPTED_SYNTAXES: ReadonlySet<string> = new Set([...UNCOMPRESSED_SYNTAXES, ...LOSSLESS_COMPRESSED_SYNTAXES, ...LOSSY_SYNTAXES]);

const STORAGE = '1.2.840.10008.5.1.4.1.1.';

/** Storage classes with pixel data: proposed uncompressed and lossless compressed. */
export const IMAGE_STORAGE_CLASSES: readonly string[] = [
  '2', // CT
  '2.1', // Enhanced CT
  '2.2', // Legacy Converted Enhanced CT
  '4', // MR
  '4.1', // Enhanced MR
  '4.3', // Enhanced MR Color
  '4.4', // Legacy Converted Enhanced MR
  '128', // PET
  '130', // Enhanced PET
  '128.1', // Legacy Converted Enhanced PET
  '20', // NM
  '6.1', // US
  '3.1', // US Multi-frame
  '1', // CR
  '1.1', // DX for presentation
  '1.1.1', // DX for processing
  '1.2', // MG for presentation
  '1.2.1', // MG for processing
  '1.3', // Intra-oral X-ray
  '12.1', // XA
  '12.1.1', // Enhanced XA
  '12.2', // XRF
  '13.1.1', // X-Ray 3D Angiographic
  '13.1.3', // Breast Tomosynthesis
  '7', // Secondary Capture
  '7.1', // Multi-frame Single Bit SC
  '7.2', // Multi-frame Grayscale Byte SC
  '7.3', // Multi-frame Grayscale Word SC
  '7.4', // Multi-frame True Color SC
  '481.1', // RT Image
  '481.2', // RT Dose
  '66.4', // Segmentation
  '30', // Parametric Map
  '77.1.1', // VL Endoscopic
  '77.1.4', // VL Photographic
  '77.1.6', // VL Whole Slide Microscopy
].map((s) => STORAGE + s);

/** Storage classes without pixel data: proposed uncompressed only. */
export const NON_IMAGE_STORAGE_CLASSES: readonly string[] = [
  '481.3', // RT Structure Set
  '481.5', // RT Plan
  '481.8', // RT Ion Plan
  '481.4', // RT Beams Treatment Record
  '88.11', // Basic Text SR
  '88.22', // Enhanced SR
  '88.33', // Comprehensive SR
  '88.34', // Comprehensive 3D SR
  '88.67', // X-Ray Radiation Dose SR
  '88.59', // Key Object Selection
  '11.1', // Grayscale Softcopy Presentation State
  '11.2', // Color Softcopy Presentation State
  '104.1', // Encapsulated PDF
  '66.1', // Spatial Registration
  '66.3', // Deformable Spatial Registration
  '67', // Real World Value Mapping
].map((s) => STORAGE + s);

export interface ProposedContext {
  abstractSyntaxUid: string;
  transferSyntaxUids: readonly string[];
}

/** The storage contexts a C-GET association proposes (with the SCP role), within the 128-context limit. */
export function cGetStorageContexts(): ProposedContext[] {
  const out: ProposedContext[] = [];
  for (const uid of IMAGE_STORAGE_CLASSES) {
    out.push({ abstractSyntaxUid: uid, transferSyntaxUids: UNCOMPRESSED_SYNTAXES });
    out.push({ abstractSyntaxUid: uid, transferSyntaxUids: LOSSLESS_COMPRESSED_SYNTAXES });
  }
  for (const uid of NON_IMAGE_STORAGE_CLASSES) out.push({ abstractSyntaxUid: uid, transferSyntaxUids: UNCOMPRESSED_SYNTAXES });
  return out;
}

/** Storage SOP classes live under 1.2.840.10008.5.1.4.1.1 (PS3.4 Annex B); our SCP accepts all of them. */
export function isStorageSopClass(uid: string): boolean {
  return uid.startsWith(STORAGE);
}

/** The syntax our SCP accepts from a proposal: the proposer's first choice among those we decode. */
export function chooseScpSyntax(proposed: readonly string[]): string | undefined {
  return proposed.find((ts) => SCP_ACCEPTED_SYNTAXES.has(ts));
}
