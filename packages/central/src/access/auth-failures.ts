import { isIP } from 'node:net';
import { RateLimiter } from './links/rate-limiter.ts';

/** Failed authentications one client address may make: 20 a minute, refilled continuously. */
export const AUTH_FAILURES_PER_MINUTE = 20;
/** Addresses tracked at most; past it the oldest are forgotten (an attacker gains at most a fresh budget). */
const MAX_ADDRESSES = 10_000;

/**
 * Failed authentications (a malformed or unknown token) counted per client address, as a token
 * bucket: past the budget the address is answered 429 with Retry-After instead of 401. A
 * successful authentication costs nothing. IPv6 clients are counted per /64, which one host holds.
 */
export class AuthFailures {
  private readonly buckets: RateLimiter;

  constructor(now: () => number = Date.now) {
    this.buckets = new RateLimiter(now, MAX_ADDRESSES);
  }

  /** Seconds until the address may fail again, or 0 when it has budget left. */
  retryAfterSeconds(address: string | undefined): number {
    return this.buckets.waitSeconds(clientKey(address), AUTH_FAILURES_PER_MINUTE / 60, AUTH_FAILURES_PER_MINUTE);
  }

  /** Counts one failure; the seconds to wait when it was over the budget, else 0. */
  failed(address: string | undefined): number {
    const taken = this.buckets.take(clientKey(address), AUTH_FAILURES_PER_MINUTE / 60, AUTH_FAILURES_PER_MINUTE);
    return taken.allowed ? 0 : taken.retryAfterSeconds;
  }
}

/** The address a bucket is kept under: IPv4 (also when IPv4-mapped) as is, IPv6 by its /64. */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.padStart(4, '0')).join(':')}::/64`;
}
