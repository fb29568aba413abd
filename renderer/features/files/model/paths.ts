/** The path list a reader types or pastes: one per line, blank lines and surrounding quotes ignored. Pure. */
export function parsePathList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^(["'])(.*)\1$/, '$2'))
    .filter((l) => l.length > 0);
}

/** The DICOMDIR a typed path means: the path itself when it names a DICOMDIR, else the DICOMDIR in that folder. Pure. */
export function dicomdirPathOf(typed: string): string {
  const separator = typed.includes('\\') && !typed.includes('/') ? '\\' : '/';
  const trimmed = typed.replace(/[\\/]+$/, '');
  if (/(^|[\\/])DICOMDIR$/i.test(trimmed)) return trimmed;
  return `${trimmed}${separator}DICOMDIR`;
}
