/**
 * Key sources for the hosts that run in a terminal (the `dokuei` CLI, the browser host): --key-file,
 * DOKUEI_ARCHIVE_KEY, DOKUEI_PASSPHRASE, and — only on a terminal — a passphrase typed with hidden input
 * (asked twice at a first start). Without a terminal nothing is asked: the start fails with the "locked"
 * message instead of hanging on a prompt nobody sees.
 */
import { keySourcesFromEnv, type KeySources } from './custody';

export interface TerminalIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  output: NodeJS.WritableStream;
}

/** Reads one line without echoing it. Ctrl-C or Ctrl-D rejects. */
export function readHidden(question: string, io: TerminalIo = { input: process.stdin, output: process.stderr }): Promise<string> {
  const { input, output } = io;
  return new Promise((resolve, reject) => {
    let text = '';
    const raw = typeof input.setRawMode === 'function';
    const done = (err: Error | undefined) => {
      input.off('data', onData);
      if (raw) input.setRawMode!(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done(undefined);
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('Cancelled: no passphrase entered'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    output.write(question);
    if (raw) input.setRawMode!(true);
    input.on('data', onData);
    input.resume();
  });
}

/** Asks for a new passphrase twice until both agree (at most three tries). */
export async function askNewPassphrase(dataDir: string, io?: TerminalIo): Promise<string> {
  const out = io?.output ?? process.stderr;
  out.write(`First start: the data folder ${dataDir} needs a passphrase. It protects the local archive, the audit log and stored passwords; without it they cannot be read (the archive is a cache of the PACS: losing the passphrase means emptying it).\n`);
  for (let i = 0; i < 3; i++) {
    const a = await readHidden('New passphrase: ', io);
    if (a.length < 8) {
      out.write('Use at least 8 characters.\n');
      continue;
    }
    const b = await readHidden('Repeat it: ', io);
    if (a === b) return a;
    out.write('The two entries differ.\n');
  }
  throw new Error('No passphrase chosen');
}

/**
 * The sources for a terminal host: `--key-file`, the environment, and prompts when stdin and stderr are a
 * terminal (`interactive` false turns the prompts off, e.g. for `--json` runs fed by a script).
 */
export function terminalKeySources(options: { dataDir: string; keyFile?: string; env?: NodeJS.ProcessEnv; interactive?: boolean }): KeySources {
  const sources: KeySources = { ...keySourcesFromEnv(options.env ?? process.env), ...(options.keyFile ? { keyFile: options.keyFile } : {}) };
  const interactive = options.interactive ?? (!!process.stdin.isTTY && !!process.stderr.isTTY);
  if (interactive) {
    sources.askPassphrase = () => readHidden(`Passphrase for ${options.dataDir}: `);
    sources.askNewPassphrase = () => askNewPassphrase(options.dataDir);
  }
  return sources;
}
