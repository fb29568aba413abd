/**
 * Which local address our C-STORE SCP listens on. The user's `localScp.bindAddress` when set; otherwise the
 * address this computer uses to reach the DIMSE nodes, i.e. the one interface the PACS will call us through,
 * so the SCP is not offered on every other network the computer is on (Wi-Fi, VPN, a second NIC).
 * Every interface only when the user asks for it (0.0.0.0 or ::), and then it is logged.
 *
 * The route is asked of the kernel with a connected UDP socket: connect() on UDP only chooses the route and
 * the source address, it sends no packet.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { canonicalAddress } from './scpPeers';

/** The local address the kernel would send from to reach `remote` (an IP address). */
export type LocalAddressProbe = (remote: string) => Promise<string>;

/** Any port will do: connect() on UDP sends nothing. 9 is "discard", in case a packet ever left. */
const PROBE_PORT = 9;

export const routeProbe: LocalAddressProbe = (remote) =>
  new Promise((resolve, reject) => {
    const socket = createSocket(isIP(remote) === 6 ? 'udp6' : 'udp4');
    const done = (fn: () => void) => {
      socket.removeAllListeners('error');
      socket.close();
      fn();
    };
    socket.once('error', (err) => done(() => reject(err)));
    socket.connect(PROBE_PORT, remote, () => {
      const { address } = socket.address();
      done(() => resolve(canonicalAddress(address)));
    });
  });

export const ALL_INTERFACES = new Set(['0.0.0.0', '::']);

export interface PeerAddresses {
  name: string;
  /** The node's resolved addresses (empty when its host did not resolve). */
  addresses: readonly string[];
}

export interface BindChoice {
  address: string;
  /** Lines for the log: why this address, and what may not work with it. */
  notes: string[];
}

const FALLBACK = '127.0.0.1';

/**
 * The address to listen on. `peers` in order of preference (C-MOVE nodes first): the first one that has a
 * route decides; the others are checked against it and named in a note when they reach this computer
 * through another local address (they cannot deliver C-MOVE instances unless they can route to this one).
 */
export async function chooseBindAddress(setting: string | undefined, peers: readonly PeerAddresses[], probe: LocalAddressProbe = routeProbe): Promise<BindChoice> {
  if (setting !== undefined) {
    const address = canonicalAddress(setting);
    const notes = ALL_INTERFACES.has(address)
      ? [`listening on every network interface (localScp.bindAddress is ${address}): any computer that can reach this one may try to associate; only configured nodes calling from their own addresses are admitted`]
      : [];
    return { address, notes };
  }
  const notes: string[] = [];
  let chosen: { address: string; by: string } | undefined;
  for (const peer of peers) {
    const remote = peer.addresses[0];
    if (remote === undefined) continue;
    let local: string;
    try {
      local = await probe(remote);
    } catch (err) {
      notes.push(`no route to node "${peer.name}" at ${remote} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    if (!chosen) chosen = { address: local, by: peer.name };
    else if (local !== chosen.address) {
      notes.push(
        `node "${peer.name}" is reached through local address ${local}, but the SCP listens on ${chosen.address} (the address towards node "${chosen.by}"): ` +
          `it can deliver C-MOVE instances only if it can reach ${chosen.address}; set localScp.bindAddress (0.0.0.0 for every interface) if it cannot`,
      );
    }
  }
  if (chosen) return { address: chosen.address, notes };
  notes.push(
    `${peers.length ? 'no configured DIMSE node has a route from this computer' : 'no DIMSE node is configured'}: listening on ${FALLBACK} only, which no other computer can reach; set localScp.bindAddress to this computer's address on the PACS network`,
  );
  return { address: FALLBACK, notes };
}
