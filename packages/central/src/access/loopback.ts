import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8 or ::1 (IPv4-mapped forms included); a name is never an address. */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Whether listening on `host` keeps central on this machine: an address must be loopback, a name
 * must resolve to loopback addresses only (`127.foo.example` is a name like any other). A name
 * that does not resolve is not loopback.
 */
export async function isLoopbackHost(host: string, resolve = (name: string) => lookup(name, { all: true })): Promise<boolean> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) !== 0) return isLoopbackAddress(bare);
  try {
    const addresses = await resolve(bare);
    return addresses.length > 0 && addresses.every(({ address }) => isLoopbackAddress(address));
  } catch {
    return false;
  }
}
