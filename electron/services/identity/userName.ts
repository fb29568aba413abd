/**
 * Who is at the workstation, as the services name them: DOKUEI_USER when configured (a name the hospital chose,
 * e.g. "Sato^Hanako" or "佐藤^花子"), else the operating system account. Dokuei has no login of its own: this is the
 * identity an SUV correction is signed with and the Person Observer of the measurements and key images saved.
 */
import os from 'node:os';

export function defaultUserName(): string {
  const configured = process.env.DOKUEI_USER?.trim();
  if (configured) return configured;
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The name as a DICOM PN value: an account name ("dr.sato") becomes the family name component, a configured
 * "Family^Given" stays as it is. Backslashes (a value separator) and control characters are removed; each
 * component group is cut at the 64 characters PN allows.
 */
export function personNameOf(name: string): string {
  const clean = [...name].filter((c) => c !== '\\' && c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('').trim();
  const groups = (clean || 'unknown').split('=').slice(0, 3);
  return groups.map((g) => g.slice(0, 64)).join('=');
}
