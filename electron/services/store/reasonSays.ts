/**
 * The sentences import and inspection give for a file they could not read, as keys of the services' catalogue
 * (common/i18n/locales/<lang>/services.json), so the Files panel and the CLI can word them in the reader's
 * language. The English sentences stay the interface of `--json` and the logs; this maps them after the fact, in
 * one place, rather than threading a key through every reader (readErrors.ts, regularFile.ts, importPaths.ts).
 */
import { says, type Says } from '../../../common/i18n/says';
import { sentenceKeys } from '../../../common/i18n/sentenceKeys';

const EXACT: Record<string, string> = {
  'The file is truncated or damaged: a value runs past the end of the data': 'services.read.truncated',
  'The file is damaged: a value has a length its type cannot have': 'services.read.badLength',
  'The image is too large to read: its rows × columns × frames are out of range': 'services.read.tooLarge',
  'The compressed data cannot be decompressed: it is damaged or cut short': 'services.read.decompress',
  'The image uses a pixel format the decoder does not support (such as 32-bit RLE): it cannot be shown': 'services.read.pixelFormat',
  'The compressed image cannot be decoded: its data is damaged or in a form the decoder does not know': 'services.read.decode',
  'The file could not be read as DICOM': 'services.read.notDicom',
  'A different copy of this instance (same SOP Instance UID, other content) is already stored; this one was kept aside': 'services.read.keptAside',
  'No such file or folder': 'services.fs.noSuchFile',
  'A part of the path is not a folder': 'services.fs.notFolder',
  'Permission denied: this user may not read it': 'services.fs.permission',
  'A symbolic link loop: the link points back at itself': 'services.fs.loop',
  'Only regular files are read: this is a socket or a device': 'services.fs.device',
  'Is a folder': 'services.fs.isFolder',
  'The path is too long': 'services.fs.tooLong',
  'The disk reported a read error': 'services.fs.io',
  'Too many files are open; try again': 'services.fs.tooManyOpen',
  'A broken symbolic link: its target does not exist': 'services.read.brokenLink',
  'Not a DICOM Part 10 file (no "DICM" preamble)': 'services.read.notPart10',
  'The deflated dataset cannot be inflated: it is damaged or cut short': 'services.read.deflate',
  'The DICOM dataset cannot be read': 'services.read.datasetUnreadable',
  'File meta information has no Transfer Syntax UID': 'services.read.noTransferSyntax',
};

/** regularFile.ts's fileKind(), each with a sentence of its own (a kind inside a Japanese sentence would stay English). */
const FILE_KINDS: Record<string, string> = {
  'a folder': 'services.read.notRegular.folder',
  'a FIFO (named pipe)': 'services.read.notRegular.fifo',
  'a socket': 'services.read.notRegular.socket',
  'a character device': 'services.read.notRegular.charDevice',
  'a block device': 'services.read.notRegular.blockDevice',
  'a symbolic link': 'services.read.notRegular.symlink',
  'not a regular file': 'services.read.notRegular.other',
};

const PATTERNS: [RegExp, (m: RegExpExecArray) => Says][] = [
  [/^Only regular files are read: this is (.+)$/, (m) => (FILE_KINDS[m[1]!] ? says(FILE_KINDS[m[1]!]!) : says('services.read.notRegularFile', { kind: m[1]! }))],
  [/^Listed in the DICOMDIR \((.+)\) but not on the media$/, (m) => says('services.read.missingFromMedia', { file: m[1]! })],
  [/^A symbolic link loop: it points back at (.+), which is already being imported; not followed$/, (m) => says('services.read.linkLoop', { target: m[1]! })],
  // datasetJson.ts's and completeness.ts's refusals: the technical part (tag, byte, sizes) stays as the reader wrote it.
  [/^The DICOM dataset is truncated: (.+) at byte (\d+) runs past the end of the data$/, (m) => says('services.read.datasetTruncated', { what: m[1]!, pos: m[2]! })],
  [/^The DICOM dataset nests sequences deeper than (\d+) levels$/, (m) => says('services.read.nestedTooDeep', { max: m[1]! })],
  [/^The file meta information is truncated at (.+)$/, (m) => says('services.read.metaTruncated', { tag: m[1]! })],
  [/^Incomplete instance: ([\s\S]+)$/, (m) => says('services.read.incomplete', { detail: m[1]! })],
];

/** The key for one of our reasons; undefined for any other text (shown as it is). */
const lookup = sentenceKeys<Says>(EXACT, PATTERNS, (key) => says(key));

export function reasonSays(reason: string): Says | undefined {
  return lookup(reason);
}

/** The same keys, for checks that every one exists in both languages. */
export const REASON_KEYS = [...Object.values(EXACT), ...Object.values(FILE_KINDS), 'services.read.notRegularFile', 'services.read.missingFromMedia', 'services.read.linkLoop', 'services.read.datasetTruncated', 'services.read.nestedTooDeep', 'services.read.metaTruncated', 'services.read.incomplete'];
