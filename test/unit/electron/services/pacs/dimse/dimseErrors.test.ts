import { describe, expect, it } from 'vitest';
import { classifyNetworkError, describeStatus, isPending, isSuccessOrWarning, nodeLabel, rejectionError, statusError } from '../../../../../../electron/services/pacs/dimse/dimseErrors';
import { PacsError } from '../../../../../../electron/services/pacs/pacsNode';

const node = { id: 'pacs1', name: 'Main PACS', host: 'pacs.example', port: 104, calledAeTitle: 'MAINPACS' };
const errno = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('DIMSE error mapping', () => {
  it('names the node in every message', () => {
    expect(nodeLabel(node)).toBe('Main PACS (MAINPACS at pacs.example:104)');
    const err = classifyNetworkError(node, new Error('x'), errno('ECONNREFUSED'), false);
    expect(err).toBeInstanceOf(PacsError);
    expect(err.nodeId).toBe('pacs1');
    expect(err.message.startsWith('Main PACS (MAINPACS at pacs.example:104): ')).toBe(true);
  });

  it('classifies socket errors by their code', () => {
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']) {
      expect(classifyNetworkError(node, new Error('wrapped'), errno(code), false).kind, code).toBe('unreachable');
    }
    expect(classifyNetworkError(node, new Error('wrapped'), errno('ECONNRESET'), true)).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/dropped the connection \(ECONNRESET\) in the middle/) });
  });

  it('calls undecodable input a protocol error, and library timeouts timeouts', () => {
    const garbage = classifyNetworkError(node, new Error('MAINPACS -> Connection error: Unknown PDU type: 72'), undefined, false);
    expect(garbage.kind).toBe('protocol');
    expect(garbage.message).toContain('Unknown PDU type: 72 (0x48)');
    expect(garbage.message).not.toContain('->');
    expect(classifyNetworkError(node, new Error('Connection timeout: Exceeded PDU timeout'), undefined, true).kind).toBe('timeout');
  });

  it('explains association rejections', () => {
    expect(rejectionError(node, { result: 1, source: 1, reason: 3 }, 'DOKUEI')).toMatchObject({ kind: 'refused', message: expect.stringMatching(/permanently rejected.*"DOKUEI" is not known/) });
    expect(rejectionError(node, { result: 1, source: 1, reason: 7 }, 'DOKUEI').message).toMatch(/called AE title "MAINPACS" is wrong/);
    expect(rejectionError(node, { result: 2, source: 3, reason: 1 }, 'DOKUEI').message).toMatch(/temporarily rejected.*congestion/);
  });

  it('describes statuses and sorts them', () => {
    expect(describeStatus(0xa801)).toBe('0xA801 move destination unknown');
    expect(describeStatus(0xc123)).toBe('0xC123 unable to process');
    expect(isPending(0xff00) && isPending(0xff01)).toBe(true);
    expect(isSuccessOrWarning(0) && isSuccessOrWarning(0xb000) && !isSuccessOrWarning(0xa700) && !isSuccessOrWarning(0xfe00)).toBe(true);
    expect(statusError(node, 'C-MOVE', 0xa801, '')).toMatchObject({ kind: 'refused', message: expect.stringMatching(/register its AE title/) });
    expect(statusError(node, 'C-FIND', 0x0124, 'no').kind).toBe('auth');
  });
});
