/**
 * Peers that break the DICOM upper layer protocol (test/support/dimsePeers.ts), and a port nobody listens
 * on: every operation fails with a PacsError of the right kind whose message names the node, nothing is
 * left unhandled, and our side closes its connection.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DimsePacsNode } from '../../../electron/services/pacs/dimse/dimsePacsNode';
import { PacsError, type PacsErrorKind } from '../../../electron/services/pacs/pacsNode';
import { startBadPeer, type BadPeer, type PeerBehaviour } from '../../support/dimsePeers';
import { freePort } from '../../support/freePort';
import { nodeSettings } from './fixtures';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  // Give stray rejections a turn of the event loop to surface before judging.
  await new Promise((r) => setTimeout(r, 50));
  expect(unhandled).toEqual([]);
});

const OPERATIONS = {
  'C-ECHO': (n: DimsePacsNode) => n.echo(),
  'C-FIND': (n: DimsePacsNode) => n.find({ level: 'STUDY', filters: { PatientID: 'X*' } }),
  'C-GET': (n: DimsePacsNode) => n.retrieve({ studyInstanceUid: '1.2.3.4' }, async () => {}),
} as const;

async function failure(promise: Promise<unknown>): Promise<PacsError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the operation should have failed').toBeInstanceOf(PacsError);
  return err as PacsError;
}

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const CASES: [PeerBehaviour, PacsErrorKind, RegExp][] = [
  ['garbage', 'protocol', /malformed DICOM message \(Unknown PDU type: 72 \(0x48\)\)/],
  ['close', 'protocol', /closed the connection before answering the association request/],
  ['silent', 'timeout', /did not answer the association request within 400 ms/],
  ['bad-pdata', 'protocol', /malformed DICOM message/],
  ['stall', 'timeout', /did not complete C-|sent nothing for 700 ms/],
];

describe.each(CASES)('a peer that is %s', (behaviour, kind, message) => {
  let peer: BadPeer;
  beforeAll(async () => {
    peer = await startBadPeer(behaviour);
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it.each(Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[])(`fails %s with kind "${kind}", naming the node`, async (op) => {
    const node = new DimsePacsNode(nodeSettings({ id: `bad-${behaviour}`, name: `Bad ${behaviour}`, port: peer.port, calledAeTitle: 'BADPEER', connectTimeoutMs: 400, timeoutMs: 700 }), {
      localScp: undefined,
    });
    const before = peer.connections();
    const err = await failure(OPERATIONS[op](node));
    expect(err.kind).toBe(kind);
    expect(err.nodeId).toBe(`bad-${behaviour}`);
    expect(err.message).toMatch(new RegExp(`^Bad ${behaviour} \\(BADPEER at 127\\.0\\.0\\.1:${peer.port}\\): `));
    expect(err.message).toMatch(message);
    expect(peer.connections()).toBe(before + 1);
    // Our side lets go of the connection, even when the peer would keep it open forever.
    await eventually(() => peer.openConnections() === 0);
  });
});

describe('a node nobody listens on', () => {
  it.each(Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[])('fails %s as "unreachable"', async (op) => {
    const port = await freePort();
    const node = new DimsePacsNode(nodeSettings({ id: 'gone', name: 'Gone PACS', port, calledAeTitle: 'GONE', connectTimeoutMs: 2000 }), { localScp: undefined });
    const err = await failure(OPERATIONS[op](node));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toMatch(new RegExp(`^Gone PACS \\(GONE at 127\\.0\\.0\\.1:${port}\\): cannot connect \\(ECONNREFUSED`));
  });
});

describe('closing a node', () => {
  it('ends the associations it has open: their operations reject as "cancelled"', async () => {
    const peer = await startBadPeer('stall');
    try {
      const node = new DimsePacsNode(nodeSettings({ id: 'stalled', name: 'Stalled', port: peer.port, calledAeTitle: 'STALL', timeoutMs: 60000 }), { localScp: undefined });
      const pending = failure(node.find({ level: 'STUDY', filters: {} }));
      await eventually(() => peer.associations() === 1);
      await node.close();
      expect((await pending).kind).toBe('cancelled');
      await eventually(() => peer.openConnections() === 0);
    } finally {
      await peer.stop();
    }
  });
});
