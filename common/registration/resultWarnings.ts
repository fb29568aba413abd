/**
 * The sentences a registration result carries for the reader (RegistrationResult.warnings): shown by the CLI and
 * the viewer, since a wrong matrix looks as confident as a right one.
 */
import { rotationAngleAxis, describeRotation } from './axisRotations';
import { correctionRotation } from './globalStart';

/**
 * A result turned this far from the header's pose says the headers' orientation is wrong (or the images are of
 * different things): registration from the headers corrects at most ~20° (the tests perturb by up to ±10° per axis).
 */
export const ORIENTATION_WARNING_RADIANS = (30 * Math.PI) / 180;

/**
 * Below this normalized MI (MI over the smaller marginal entropy) the match is doubtful. Measured at the finest
 * level: registered pairs of the same anatomy scored 0.29 (MR T2 → T1 of one session), 0.46 (CT → a CBCT-like copy),
 * 0.64 (CT → a copy with turned headers), 0.68–0.70 (the blob phantom under three intensity mappings); different
 * anatomy 0.06–0.12 (head MR against chest CT, either way, whole or a 34-slice slab) and 0.02 (phantom against smooth
 * noise). It does not catch another patient's same region (chest CT against another patient's whole-body PET scored
 * 0.18), and a blurred modality against an anatomical one (PET/CT) may score near 0.2: hence no higher.
 */
export const LOW_CONFIDENCE_NMI = 0.15;

export interface WarningInput {
  /** The start was a transform given by the caller: no header pose to compare with. */
  given: boolean;
  /** The header's pose, fixed → moving (3×4). */
  header: Float64Array;
  /** The result, moving → fixed (3×4). */
  movingToFixed: Float64Array;
  normalizedMi: number;
}

export function resultWarnings(w: WarningInput): string[] {
  const out: string[] = [];
  const low = !(w.normalizedMi >= LOW_CONFIDENCE_NMI);
  // With a doubtful match the turn found means nothing: only the doubt is said.
  if (!w.given && !low) {
    const C = correctionRotation(w.header, w.movingToFixed);
    if (rotationAngleAxis(C).angle >= ORIENTATION_WARNING_RADIANS) {
      out.push(`the moving series' orientation headers disagree with the image: ${describeRotation(C)}. Check the result before using it.`);
    }
  }
  if (low) {
    out.push(
      `low confidence: the images explain each other poorly at the result (normalized mutual information ${w.normalizedMi.toFixed(2)}, below ${LOW_CONFIDENCE_NMI}); they may show different anatomy or different patients, or the registration failed.`,
    );
  }
  return out;
}
