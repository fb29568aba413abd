/** `fn` with the CLI's language set as a reader sets it (DOKUEI_LANG), then the caller's back. */
export async function inCliLanguage<T>(lang: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.DOKUEI_LANG;
  process.env.DOKUEI_LANG = lang;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.DOKUEI_LANG;
    else process.env.DOKUEI_LANG = before;
  }
}
