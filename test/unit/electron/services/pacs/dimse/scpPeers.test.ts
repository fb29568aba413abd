import { describe, expect, it } from 'vitest';
import { PeerAddressBook, canonicalAddress, dimsePeers, type HostLookup, type ScpPeer } from '../../../../../../electron/services/pacs/dimse/scpPeers';
import { MemorySettingsStore } from '../../../../../../electron/services/settings/settings';

const PACS: ScpPeer = { name: 'PACS 1', aeTitle: 'PACS1', host: '10.0.0.5' };

/** A resolver that knows a few names and counts its questions. */
function fakeDns(table: Record<string, string[]>): HostLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (host: string) => {
    asked.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(lookup, { asked });
}

describe('canonicalAddress', () => {
  it('spells each address one way, as sockets and settings may differ', () => {
    expect(canonicalAddress('::ffff:192.168.1.20')).toBe('192.168.1.20');
    expect(canonicalAddress('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalAddress('FE80::1%eth0')).toBe('fe80::1');
    expect(canonicalAddress(' 10.0.0.5 ')).toBe('10.0.0.5');
  });
});

describe('PeerAddressBook.admit', () => {
  it('admits a node’s AE title from the node’s own address only', async () => {
    const book = new PeerAddressBook(fakeDns({}));
    expect(await book.admit([PACS], 'PACS1', '10.0.0.5')).toEqual({ ok: true, peer: PACS });
    expect(await book.admit([PACS], 'PACS1', '::ffff:10.0.0.5')).toMatchObject({ ok: true });
    expect(await book.admit([PACS], 'PACS1', '10.0.0.99')).toEqual({ ok: false, reason: 'that AE title belongs to node "PACS 1" at 10.0.0.5, not to a caller at 10.0.0.99' });
  });

  it('refuses an AE title no node has, from any address', async () => {
    const book = new PeerAddressBook(fakeDns({}));
    expect(await book.admit([PACS], 'INTRUDER', '10.0.0.5')).toEqual({ ok: false, reason: 'not a configured DIMSE node' });
  });

  it('accepts any address a host name resolves to, and checks each node that shares an AE title', async () => {
    const dns = fakeDns({ 'pacs.example': ['10.0.0.7', '10.0.0.8'] });
    const cluster = [PACS, { name: 'PACS 1 (standby)', aeTitle: 'PACS1', host: 'pacs.example' }];
    const book = new PeerAddressBook(dns);
    expect(await book.resolve(cluster.map((p) => p.host))).toEqual([]);
    expect(await book.admit(cluster, 'PACS1', '10.0.0.8')).toMatchObject({ ok: true, peer: { name: 'PACS 1 (standby)' } });
    const refused = await book.admit(cluster, 'PACS1', '10.0.0.9');
    expect(refused).toEqual({ ok: false, reason: 'that AE title belongs to node "PACS 1" at 10.0.0.5, node "PACS 1 (standby)" at pacs.example (10.0.0.7, 10.0.0.8), not to a caller at 10.0.0.9' });
    // Resolved once, when the SCP started: admitting asks the resolver nothing more.
    expect(dns.asked).toEqual(['pacs.example']);
  });

  it('admits nobody under a name that does not resolve, says so, and asks again when that node calls', async () => {
    const table: Record<string, string[]> = {};
    const dns = fakeDns(table);
    const peer = { name: 'Archive', aeTitle: 'ARCH', host: 'archive.example' };
    const book = new PeerAddressBook(dns);
    expect(await book.resolve([peer.host])).toEqual(['host "archive.example" does not resolve (ENOTFOUND): the node configured with it cannot send to this SCP until it does']);
    expect(await book.admit([peer], 'ARCH', '10.0.0.3')).toEqual({ ok: false, reason: 'that AE title belongs to node "Archive" at archive.example (which does not resolve), not to a caller at 10.0.0.3' });
    table['archive.example'] = ['10.0.0.3'];
    expect(await book.admit([peer], 'ARCH', '10.0.0.3')).toMatchObject({ ok: true });
  });
});

describe('dimsePeers', () => {
  it('lists the enabled DIMSE nodes, the ones that C-MOVE to us first', () => {
    const { nodes } = new MemorySettingsStore({
      nodes: [
        { kind: 'dimse', id: 'get', name: 'Get', host: '10.0.0.1', port: 104, calledAeTitle: 'GETTER' },
        { kind: 'dimse', id: 'off', name: 'Off', host: '10.0.0.2', port: 104, calledAeTitle: 'OFF', enabled: false },
        { kind: 'dicomweb', id: 'web', name: 'Web', url: 'http://10.0.0.3/dicom-web' },
        { kind: 'dimse', id: 'move', name: 'Move', host: 'pacs.example', port: 104, calledAeTitle: 'MOVER', retrieve: 'C-MOVE' },
      ],
    }).get();
    expect(dimsePeers(nodes)).toEqual([
      { name: 'Move', aeTitle: 'MOVER', host: 'pacs.example' },
      { name: 'Get', aeTitle: 'GETTER', host: '10.0.0.1' },
    ]);
  });
});
