/**
 * Errors a user meets when a file cannot be read, as sentences they understand. The libraries below us speak
 * to programmers ("dicomParser:parseDicomDataSetExplicit: buffer overrun", "start offset of Uint32Array should
 * be a multiple of 4"): such text never reaches a person; it travels as `detail`, which only `--json`
 * outputs carry.
 */
export interface ReadFailure {
  /** A sentence for the user. */
  reason: string;
  /** The raw library message, for `--json` and bug reports; absent when `reason` is already all there is. */
  detail?: string;
}

/** Raw library messages → what they mean for the file. The first match wins. */
const KNOWN: [RegExp, string][] = [
  [/buffer overrun|past the end|beyond the end|outside the bounds|out of range|out of bounds|RangeError/i, 'The file is truncated or damaged: a value runs past the end of the data'],
  [/should be a multiple of|byte length of \w+Array|length of \w+Array/i, 'The file is damaged: a value has a length its type cannot have'],
  [/invalid (typed )?array length|allocation failed|Array buffer allocation/i, 'The image is too large to read: its rows × columns × frames are out of range'],
  [/incorrect header check|invalid (stored|block|distance|code)|unexpected end of file|zlib|inflat/i, 'The compressed data cannot be decompressed: it is damaged or cut short'],
  [/unsupported pixel format|pixel format .*not supported/i, 'The image uses a pixel format the decoder does not support (such as 32-bit RLE): it cannot be shown'],
  [/decod|codec|jpeg|j2k|jpx|openjpeg|charls|huffman|marker/i, 'The compressed image cannot be decoded: its data is damaged or in a form the decoder does not know'],
];

/** A message of ours carries no raw text; a raw one is replaced by its meaning (or a general sentence). */
export function userSentence(raw: string, fallback = 'The file could not be read as DICOM'): string {
  for (const [pattern, sentence] of KNOWN) if (pattern.test(raw)) return sentence;
  return fallback;
}

/** An error that already speaks to the user and may carry the raw text it replaced. */
export interface WithDetail {
  message: string;
  detail?: string;
}

const OUR_ERRORS = new Set(['Part10Error', 'DicomDataError', 'IncompleteInstanceError', 'NotRegularFileError', 'InvalidUidError', 'ArchiveQuotaError', 'ArchiveBusyError', 'ArchiveCorruptError', 'ArchiveKeyError']);

/** Errors thrown by the runtime or a library, never by our code on purpose: their text is for programmers. */
const LIBRARY_ERRORS = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']);

/** Why reading or storing a file failed, for a user (reason) and for a log (detail). */
export function describeFailure(err: unknown): ReadFailure {
  const raw = err instanceof Error ? err.message : String(err);
  const detail = (err as Partial<WithDetail> | null)?.detail;
  if (typeof detail === 'string' && detail) return { reason: raw, detail };
  // Our own errors already speak to the user (and say more than a general sentence would).
  if (err instanceof Error && OUR_ERRORS.has(err.name)) return { reason: raw };
  const mapped = KNOWN.find(([pattern]) => pattern.test(raw));
  if (mapped) return { reason: mapped[1], detail: raw };
  // "dicomParser:readFixedString: …": a library's function name in the message, or a runtime error class.
  if (!(err instanceof Error) || LIBRARY_ERRORS.has(err.name) || /^\w+:\w+/.test(raw)) return { reason: userSentence(raw), detail: raw };
  return { reason: raw };
}
