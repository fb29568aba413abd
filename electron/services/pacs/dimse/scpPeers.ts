/**
 * Who may call our C-STORE SCP: each configured DIMSE node's AE title, bound to that node's host. A caller is
 * admitted only when its calling AE title is a node's AE title AND the connection comes from one of that
 * node's addresses. An AE title is a name any program can send; the peer address at least has to be routed
 * back to, so a caller elsewhere on the network cannot pass as the PACS by typing its AE title.
 *
 * Host names are resolved with dns.lookup (all addresses, as the system resolver answers them) when the SCP
 * starts, and kept: a later DNS answer cannot widen who is admitted while Dokuei runs. A name that did not
 * resolve admits nobody; it is looked up again when a caller with that node's AE title appears, so a
 * resolver that was down at start does not lock the node out until a restart.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { NodeSettings } from '../../settings/settings';

export interface ScpPeer {
  /** The node's display name, for messages. */
  name: string;
  aeTitle: string;
  /** Its `host` setting: an IP address or a host name. */
  host: string;
}

/** The enabled DIMSE nodes as SCP peers; C-MOVE nodes first (they are the ones that call us). */
export function dimsePeers(nodes: readonly NodeSettings[]): ScpPeer[] {
  const dimse = nodes.flatMap((n) => (n.kind === 'dimse' && n.enabled ? [n] : []));
  const moveFirst = [...dimse.filter((n) => n.retrieve === 'C-MOVE'), ...dimse.filter((n) => n.retrieve !== 'C-MOVE')];
  return moveFirst.map((n) => ({ name: n.name, aeTitle: n.calledAeTitle, host: n.host }));
}

/**
 * One spelling per address, so that the socket's view of a peer and a node's setting compare equal: IPv6 in
 * its shortest lower-case form, without a zone; IPv4-mapped IPv6 (a dual-stack socket's view of an IPv4 peer)
 * as plain IPv4.
 */
export function canonicalAddress(address: string): string {
  let a = address.trim();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (isIP(a) !== 6) return a;
  a = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (!mapped) return a;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** All addresses of a host name (IP literals are returned as they are, without asking the resolver). */
export type HostLookup = (host: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

export type Admission = { ok: true; peer: ScpPeer } | { ok: false; reason: string };

type Resolution = { addresses: readonly string[] } | { error: string };

const same = (a: string, b: string) => a.trim() === b.trim();

export class PeerAddressBook {
  private readonly known = new Map<string, Resolution>();

  constructor(private readonly lookup: HostLookup = systemLookup) {}

  /** Resolves the hosts not resolved yet; returns a line per host that did not resolve (for the log). */
  async resolve(hosts: Iterable<string>): Promise<string[]> {
    const pending = [...new Set(hosts)].filter((h) => !this.known.has(h) || 'error' in this.known.get(h)!);
    await Promise.all(pending.map((h) => this.resolveOne(h)));
    return pending.flatMap((h) => {
      const r = this.known.get(h);
      return r && 'error' in r ? [`host "${h}" does not resolve (${r.error}): the node configured with it cannot send to this SCP until it does`] : [];
    });
  }

  /** The addresses a host was resolved to; undefined when it is not resolved (yet, or at all). */
  addressesOf(host: string): readonly string[] | undefined {
    const r = this.known.get(host);
    return r && 'addresses' in r ? r.addresses : undefined;
  }

  /**
   * Whether a caller may associate: some peer has its calling AE title and, among its host's addresses, the
   * caller's address. Unresolved hosts of peers with that AE title are looked up first.
   */
  async admit(peers: readonly ScpPeer[], callingAeTitle: string, address: string): Promise<Admission> {
    const candidates = peers.filter((p) => same(p.aeTitle, callingAeTitle));
    if (candidates.length === 0) return { ok: false, reason: 'not a configured DIMSE node' };
    await this.resolve(candidates.map((p) => p.host).filter((h) => !this.addressesOf(h)));
    const from = canonicalAddress(address);
    const peer = candidates.find((p) => this.addressesOf(p.host)?.includes(from));
    if (peer) return { ok: true, peer };
    const where = candidates.map((p) => `node "${p.name}" at ${this.describeHost(p.host)}`).join(', ');
    return { ok: false, reason: `that AE title belongs to ${where}, not to a caller at ${from}` };
  }

  private describeHost(host: string): string {
    const r = this.known.get(host);
    if (!r || 'error' in r) return `${host} (which does not resolve)`;
    return r.addresses.length === 1 && r.addresses[0] === canonicalAddress(host) ? host : `${host} (${r.addresses.join(', ')})`;
  }

  private async resolveOne(host: string): Promise<void> {
    if (isIP(host.trim())) {
      this.known.set(host, { addresses: [canonicalAddress(host)] });
      return;
    }
    try {
      const addresses = [...new Set((await this.lookup(host)).map(canonicalAddress))];
      this.known.set(host, addresses.length ? { addresses } : { error: 'no addresses' });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      this.known.set(host, { error: e.code ?? e.message });
    }
  }
}
