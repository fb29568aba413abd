/** The forwarding cursor on disk: what is stored is read back; a damaged file is reported, never taken as a cursor. */
import { promises as fs } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardingStateFile, readForwardingState, writeForwardingState } from '../../../../../../electron/services/audit/forwarding/forwardingState';
import { makeTempDir, removeDir } from '../../../../../support/tempDir';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-fwd-state-');
});
afterEach(() => removeDir(dir));

describe('forwarding state', () => {
  it('is none before the first write, and reads back what was written', async () => {
    expect(await readForwardingState(dir)).toEqual({ kind: 'none' });
    const state = { cursor: { index: 41, hash: 'ab'.repeat(32), offset: 123456 }, target: 'arr:6514', lastError: 'refused' , lastErrorAt: '2026-12-06T10:00:00.000Z' };
    await writeForwardingState(dir, state);
    expect(await readForwardingState(dir)).toEqual({ kind: 'ok', state });
    expect((await fs.stat(forwardingStateFile(dir))).mode & 0o777).toBe(0o600);
  });

  it('reports a damaged file as unreadable (the forwarder then starts over rather than skip records)', async () => {
    await fs.writeFile(forwardingStateFile(dir), '{"cursor": {"index": 3');
    expect(await readForwardingState(dir)).toEqual({ kind: 'unreadable', reason: 'not JSON' });
    await fs.writeFile(forwardingStateFile(dir), JSON.stringify({ cursor: { index: 3, hash: 'nothex', offset: 10 } }));
    expect(await readForwardingState(dir)).toEqual({ kind: 'unreadable', reason: 'no valid cursor in it' });
    await fs.writeFile(forwardingStateFile(dir), JSON.stringify({ cursor: { index: -2, hash: '0'.repeat(64), offset: 0 } }));
    expect((await readForwardingState(dir)).kind).toBe('unreadable');
  });
});
