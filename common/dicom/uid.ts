/**
 * DICOM unique identifiers as branded strings.
 *
 * A UID reaches file paths and upstream URLs, so it is validated once at the boundary (request parsing,
 * file parsing) and carried as a brand afterwards: code that needs a UID cannot be handed a raw string.
 */
declare const uidBrand: unique symbol;

export type StudyInstanceUid = string & { readonly [uidBrand]: 'StudyInstanceUID' };
export type SeriesInstanceUid = string & { readonly [uidBrand]: 'SeriesInstanceUID' };
export type SopInstanceUid = string & { readonly [uidBrand]: 'SOPInstanceUID' };
export type AnyUid = StudyInstanceUid | SeriesInstanceUid | SopInstanceUid;

/** PS3.5 §9.1: digits and dots, at most 64 characters; components have no leading zero. */
const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export function isValidUid(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 64 && UID_PATTERN.test(value);
}

/**
 * Lenient variant for data already stored by real scanners: some write components with leading
 * zeros ("1.2.840.0011"), which PS3.5 forbids but which are harmless in a path. Still only digits
 * and dots, still at most 64 characters, never "." or "..".
 */
export function isSafeUid(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= 64 &&
    /^[0-9]+(\.[0-9]+)*$/.test(value)
  );
}

export class InvalidUidError extends Error {
  constructor(
    readonly what: string,
    readonly value: unknown,
  ) {
    super(
      value === undefined || value === null || value === ''
        ? `The file has no ${what}: it is not a stored image or document (a DICOMDIR, for example), or it is incomplete`
        : `Invalid ${what}: ${JSON.stringify(String(value).slice(0, 80))} is not a DICOM UID (digits and dots, ≤ 64 characters)`,
    );
    this.name = 'InvalidUidError';
  }
}

function brand<T extends AnyUid>(what: string, value: unknown): T {
  if (!isSafeUid(value)) throw new InvalidUidError(what, value);
  return value as T;
}

export const studyUid = (value: unknown): StudyInstanceUid => brand<StudyInstanceUid>('StudyInstanceUID', value);
export const seriesUid = (value: unknown): SeriesInstanceUid => brand<SeriesInstanceUid>('SeriesInstanceUID', value);
export const sopUid = (value: unknown): SopInstanceUid => brand<SopInstanceUid>('SOPInstanceUID', value);
