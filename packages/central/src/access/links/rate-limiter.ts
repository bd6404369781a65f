/**
 * A token bucket per key: `perSecond` refilled continuously, up to `burst`. Pure apart from the
 * clock it is given. At most `maxKeys` buckets are kept: past it the least recently used goes
 * (it comes back full).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token; false (and the seconds until one is back) when the bucket is empty. */
  take(key: string, perSecond: number, burst: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const bucket = this.refilled(key, perSecond, burst);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: secondsUntilOne(bucket.tokens, perSecond) };
  }

  /** Seconds until the bucket holds a token again, 0 when it holds one now; takes nothing. */
  waitSeconds(key: string, perSecond: number, burst: number): number {
    const bucket = this.refilled(key, perSecond, burst);
    return bucket.tokens >= 1 ? 0 : secondsUntilOne(bucket.tokens, perSecond);
  }

  private refilled(key: string, perSecond: number, burst: number): { tokens: number; at: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    // Re-inserted: the map's order is then least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket;
  }
}

const secondsUntilOne = (tokens: number, perSecond: number) => Math.max(1, Math.ceil((1 - tokens) / perSecond));
