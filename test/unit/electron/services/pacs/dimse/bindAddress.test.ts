import { describe, expect, it } from 'vitest';
import { chooseBindAddress, routeProbe, type LocalAddressProbe } from '../../../../../../electron/services/pacs/dimse/bindAddress';
import { parseSettings } from '../../../../../../electron/services/settings/settings';

/** A routing table: remote address → the local address the kernel would send from. */
function fakeRoutes(table: Record<string, string>): LocalAddressProbe {
  return async (remote) => {
    const local = table[remote];
    if (!local) throw Object.assign(new Error(`connect ENETUNREACH ${remote}`), { code: 'ENETUNREACH' });
    return local;
  };
}

describe('chooseBindAddress', () => {
  it('takes the address the user set, and says so when it is every interface', async () => {
    expect(await chooseBindAddress('192.168.1.20', [], fakeRoutes({}))).toEqual({ address: '192.168.1.20', notes: [] });
    const all = await chooseBindAddress('0.0.0.0', [], fakeRoutes({}));
    expect(all.address).toBe('0.0.0.0');
    expect(all.notes).toEqual([expect.stringMatching(/^listening on every network interface \(localScp\.bindAddress is 0\.0\.0\.0\)/)]);
  });

  it('by default listens on the local address towards the first node', async () => {
    const routes = fakeRoutes({ '10.1.0.5': '10.1.0.77', '10.1.0.6': '10.1.0.77' });
    const choice = await chooseBindAddress(undefined, [{ name: 'PACS', addresses: ['10.1.0.5'] }, { name: 'Archive', addresses: ['10.1.0.6'] }], routes);
    expect(choice).toEqual({ address: '10.1.0.77', notes: [] });
  });

  it('names a node reached through another interface, which may not reach the SCP', async () => {
    const routes = fakeRoutes({ '10.1.0.5': '10.1.0.77', '172.16.0.9': '172.16.0.2' });
    const choice = await chooseBindAddress(undefined, [{ name: 'PACS', addresses: ['10.1.0.5'] }, { name: 'Remote', addresses: ['172.16.0.9'] }], routes);
    expect(choice.address).toBe('10.1.0.77');
    expect(choice.notes).toEqual([expect.stringMatching(/^node "Remote" is reached through local address 172\.16\.0\.2, but the SCP listens on 10\.1\.0\.77/)]);
  });

  it('skips a node with no route or no address, and falls back to loopback (never every interface) when none is left', async () => {
    const some = await chooseBindAddress(undefined, [{ name: 'Gone', addresses: ['10.9.9.9'] }, { name: 'Unresolved', addresses: [] }, { name: 'PACS', addresses: ['10.1.0.5'] }], fakeRoutes({ '10.1.0.5': '10.1.0.77' }));
    expect(some.address).toBe('10.1.0.77');
    expect(some.notes).toEqual(['no route to node "Gone" at 10.9.9.9 (ENETUNREACH)']);

    const none = await chooseBindAddress(undefined, [], fakeRoutes({}));
    expect(none.address).toBe('127.0.0.1');
    expect(none.notes).toEqual([expect.stringMatching(/^no DIMSE node is configured: listening on 127\.0\.0\.1 only/)]);
  });

  it('asks the kernel for real: a node on this computer is reached from loopback', async () => {
    expect(await routeProbe('127.0.0.1')).toBe('127.0.0.1');
    expect(await chooseBindAddress(undefined, [{ name: 'Local PACS', addresses: ['127.0.0.1'] }])).toEqual({ address: '127.0.0.1', notes: [] });
  });

  it('is an IP address in the settings: a host name there is refused, saying what is expected', () => {
    expect(parseSettings({ localScp: { bindAddress: '10.20.0.15' } }, 'test').localScp.bindAddress).toBe('10.20.0.15');
    expect(() => parseSettings({ localScp: { bindAddress: 'workstation.local' } }, 'test')).toThrow(
      /localScp\.bindAddress: The local SCP bind address must be an IP address of this computer \(such as 192\.168\.1\.20\), or 0\.0\.0\.0 for every interface/,
    );
  });
});
