/** The path list a reader types or pastes: one per line, blank lines and surrounding quotes ignored. Pure. */
export function parsePathList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^(["'])(.*)\1$/, '$2'))
    .filter((l) => l.length > 0);
}
