/**
 * SUV Type (0054,1006) of a GML series: which SUV its stored values already are (issue #14).
 *
 * DICOM (PS3.3 PET Series Module) defines BW, BSA, LBM and IBW; scanners and QIBA/IBSI practice also write
 * LBMJAMES128 and LBMJANMA, the two LBM formulas PS3.16 names SUVlbm(James128) (126406) and SUVlbm(Janma) (126405).
 * DICOM's LBM is the James formula (its CID 85 meaning is "lean body mass (James)"), computed here as lbmJames.
 * Writers vary in case and punctuation ("lbm james128", "LBM_JANMA", "SUVlbm(Janma)"), so case, spaces,
 * underscores, hyphens, brackets and a leading "SUV" are ignored; a value that still names no formula is refused
 * with the reason rather than guessed, since a wrong type scales every converted factor.
 */
import type { SuvType } from './computeSuv';

export type ParsedSuvType = { ok: true; type: SuvType } | { ok: false; reason: string };

/** The values as this module prints them, in the order of the factors. */
export const SUV_TYPE_VALUES = ['BW', 'LBM', 'LBMJAMES128', 'LBMJANMA', 'BSA', 'IBW'] as const;

/** Normalised spelling → type. Only spellings that name one formula: a bare "JAMES" could be 120 or 128. */
const SPELLINGS = new Map<string, SuvType>(Object.entries({
  BW: 'bw',
  BODYWEIGHT: 'bw',
  LBM: 'lbm',
  LEANBODYMASS: 'lbm',
  // PS3.16 calls SUVlbm (126402) "lean body mass (James)", against SUVlbm(James128) for the 128 multiplier.
  LBMJAMES: 'lbm',
  LBMJAMES128: 'lbmJames128',
  JAMES128: 'lbmJames128',
  LBMJANMA: 'lbmJanma',
  LBMJANMAHASATIAN: 'lbmJanma',
  JANMA: 'lbmJanma',
  JANMAHASATIAN: 'lbmJanma',
  BSA: 'bsa',
  BODYSURFACEAREA: 'bsa',
  IBW: 'ibw',
  IDEALBODYWEIGHT: 'ibw',
} satisfies Record<string, SuvType>));

/** Upper case, without spaces, underscores, hyphens, dots, brackets and a leading "SUV". */
export function normaliseSuvType(text: string): string {
  const s = text.toUpperCase().replace(/[\s_\-.()[\]{}]+/g, '');
  return s.startsWith('SUV') ? s.slice(3) : s;
}

/**
 * The SUV type a GML series' SUV Type names. Absent or empty: BW (DICOM's SUV Type is optional, and SUVbw is what
 * GML means without it). Never throws.
 */
export function parseSuvType(text: string | undefined): ParsedSuvType {
  if (text === undefined || text.trim() === '') return { ok: true, type: 'bw' };
  const type = SPELLINGS.get(normaliseSuvType(text));
  if (type) return { ok: true, type };
  return { ok: false, reason: `unknown SUV Type (0054,1006) "${text}": expected one of ${SUV_TYPE_VALUES.join(', ')}` };
}
