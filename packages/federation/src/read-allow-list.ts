import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { bareHost, portOf } from './read-url.ts';

/** An address a name resolved to, as node:dns gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to (the system resolver, as connecting would use). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const resolveWithSystem: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/** May central send its request (and the link token) to this URL, and to which addresses. */
export type AllowVerdict = { allowed: true; addresses: ResolvedAddress[] } | { allowed: false; why: string };

/** What checks a read URL: a ReadAllowList, or anything that answers as one. */
export interface ReadUrlGuard {
  check(url: URL): Promise<AllowVerdict>;
}

type AllowEntry =
  /** `https://agent.payments.internal:4319`: that scheme, host and port. */
  | { kind: 'origin'; origin: string; host: string; port: number; address: BlockList | null }
  /** `agent.payments.internal:4319`, `10.0.3.7:4319`: that host and port, either scheme. */
  | { kind: 'host-port'; host: string; port: number; address: BlockList | null }
  /** `10.0.0.0/8`, `fd00::/8`, `10.0.3.7`: any port of these addresses. */
  | { kind: 'cidr'; block: BlockList };

// Addresses a host *name* may not lead to unless an entry names the address itself: a name the
// admin allowed could still be pointed at central's own machine or the cloud's metadata service.
const SPECIAL = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['127.0.0.0', 8], ['169.254.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4], ['100.100.100.200', 32]] as const) SPECIAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fe80::', 10], ['ff00::', 8], ['fd00:ec2::254', 128]] as const) SPECIAL.addSubnet(net, bits, 'ipv6');

const ipType = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

function oneAddress(address: string): BlockList | null {
  if (isIP(address) === 0) return null;
  const block = new BlockList();
  block.addAddress(address, ipType(address));
  return block;
}

const ENTRY_FORMS = 'expected an exact URL (http://host:port), host:port, an address or a CIDR (10.0.0.0/8, fd00::/8)';

/** One allow-list entry, or an Error whose message starts with the entry. */
export function parseAllowEntry(text: string): AllowEntry {
  const entry = text.trim();
  const refuse = (why: string) => new Error(`"${text}": ${why}`);
  if (entry.includes('://')) {
    if (!URL.canParse(entry)) throw refuse(ENTRY_FORMS);
    const url = new URL(entry);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('an exact URL is http or https');
    if (url.username || url.password || url.search || url.hash || url.pathname !== '/') throw refuse('an exact URL names an origin only (scheme, host and port)');
    const host = bareHost(url);
    return { kind: 'origin', origin: url.origin, host, port: portOf(url), address: oneAddress(host) };
  }
  if (entry.includes('/')) {
    const [net, bits, extra] = entry.split('/');
    const family = isIP(net ?? '');
    const prefix = Number(bits);
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(bits ?? '') || prefix > (family === 4 ? 32 : 128)) throw refuse(ENTRY_FORMS);
    const block = new BlockList();
    block.addSubnet(net!, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'cidr', block };
  }
  const single = oneAddress(entry);
  if (single) return { kind: 'cidr', block: single };
  const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
  const port = Number(hostPort?.[2]);
  if (!hostPort || port < 1 || port > 65_535 || !URL.canParse(`http://${hostPort[1]}`)) throw refuse(ENTRY_FORMS);
  const host = bareHost(new URL(`http://${hostPort[1]}`));
  return { kind: 'host-port', host, port, address: oneAddress(host) };
}

/**
 * The read URLs central may contact, and so send a link token to: nothing unless an entry allows
 * it. A URL whose host is a name is resolved and every address it resolves to must be allowed: by
 * an entry naming the address (a CIDR, an address, an exact URL or host:port with that address and
 * port), or, for an ordinary address, by an entry naming that very host and port. The addresses
 * checked are returned, for the connection to use them and no others (no second lookup to rebind).
 */
export class ReadAllowList implements ReadUrlGuard {
  private constructor(
    readonly entries: readonly string[],
    private readonly parsed: readonly AllowEntry[],
    private readonly resolve: ResolveHost,
  ) {}

  /** Throws an Error naming the first entry that is not one. */
  static of(entries: readonly string[], resolve: ResolveHost = resolveWithSystem): ReadAllowList {
    return new ReadAllowList([...entries], entries.map(parseAllowEntry), resolve);
  }

  /** This list and `entries` (a link's own). */
  with(entries: readonly string[]): ReadAllowList {
    return entries.length === 0 ? this : new ReadAllowList([...this.entries, ...entries], [...this.parsed, ...entries.map(parseAllowEntry)], this.resolve);
  }

  async check(url: URL): Promise<AllowVerdict> {
    if (this.parsed.length === 0) return { allowed: false, why: 'the allow-list is empty' };
    const host = bareHost(url);
    const port = portOf(url);
    const named = this.parsed.some((entry) => (entry.kind === 'origin' ? entry.origin === url.origin : entry.kind === 'host-port' && entry.host === host && entry.port === port));
    let addresses: ResolvedAddress[];
    if (isIP(host) !== 0) {
      addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch (error) {
        return { allowed: false, why: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'no address'})` };
      }
      if (addresses.length === 0) return { allowed: false, why: `${host} does not resolve` };
    }
    for (const { address } of addresses) {
      if (this.coversAddress(address, url, port)) continue;
      if (named && isIP(host) === 0 && !SPECIAL.check(address, ipType(address))) continue;
      if (isIP(host) !== 0) return { allowed: false, why: `no entry allows ${url.host}` };
      if (named) return { allowed: false, why: `${host} resolves to ${address}, a loopback, link-local or other special address: only an entry naming that address allows it` };
      return { allowed: false, why: `${host} resolves to ${address}, which no entry allows` };
    }
    return { allowed: true, addresses };
  }

  /** An entry naming this address (with this port and scheme, for an exact URL or host:port). */
  private coversAddress(address: string, url: URL, port: number): boolean {
    const type = ipType(address);
    return this.parsed.some((entry) => {
      if (entry.kind === 'cidr') return entry.block.check(address, type);
      if (!entry.address?.check(address, type) || entry.port !== port) return false;
      return entry.kind === 'host-port' || entry.origin.startsWith(url.protocol);
    });
  }
}
