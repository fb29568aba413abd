import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askNewPassphrase, readHidden, type TerminalIo } from '../../../../../electron/services/custody/terminal';

/** A terminal stand-in: what the user types, what the screen shows, and whether echo was turned off. */
function terminal(typed: string[]): { io: TerminalIo; screen: () => string; rawModes: boolean[] } {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(m: boolean): void };
  const rawModes: boolean[] = [];
  input.isTTY = true;
  input.setRawMode = (m: boolean) => void rawModes.push(m);
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  // Each line is typed once the previous prompt is on the screen.
  let next = 0;
  output.on('data', (d: Buffer) => {
    // A prompt is written as one chunk ending in ": ".
    if (next < typed.length && d.toString().endsWith(': ')) {
      const line = typed[next++]!;
      setImmediate(() => input.write(line));
    }
  });
  return { io: { input, output }, screen: () => shown, rawModes };
}

describe('terminal passphrase prompts', () => {
  it('reads a line with echo off, handling backspace, and never shows it', async () => {
    const t = terminal(['secreX\u007ft\r']);
    expect(await readHidden('Passphrase: ', t.io)).toBe('secret');
    expect(t.screen()).not.toContain('secre');
    expect(t.rawModes).toEqual([true, false]);
  });

  it('asks a first start twice, and again when the two entries differ or are too short', async () => {
    const t = terminal(['short\r', 'long enough 1\r', 'long enough 2\r', 'long enough 3\r', 'long enough 3\r']);
    expect(await askNewPassphrase('/data', t.io)).toBe('long enough 3');
    expect(t.screen()).toContain('First start: the data folder /data needs a passphrase');
    expect(t.screen()).toContain('Use at least 8 characters.');
    expect(t.screen()).toContain('The two entries differ.');
    expect(t.screen()).not.toContain('long enough');
  });

  it('Ctrl-C cancels instead of opening with an empty passphrase', async () => {
    const t = terminal(['\u0003']);
    await expect(readHidden('Passphrase: ', t.io)).rejects.toThrow(/Cancelled/);
  });
});
