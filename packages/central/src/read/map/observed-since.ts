import type { TraceReads } from '@stitch/store';

const REFRESH_MS = 10 * 60_000;

/**
 * Since when any span is known (unix ms): the start of the earliest stored span, asked of the
 * stores at most every 10 minutes (it moves only when older spans arrive or retention deletes),
 * and asked again every time while nothing is stored yet.
 */
export class ObservedSince {
  private known: { fromMs: number; askedAtMs: number } | null = null;

  constructor(private readonly now: () => number) {}

  async of(store: TraceReads): Promise<number | null> {
    if (this.known && this.now() - this.known.askedAtMs < REFRESH_MS) return this.known.fromMs;
    const accounts = await store.listAccounts();
    if (accounts.length === 0) return null;
    const firstNanos = accounts.reduce((first, account) => (account.firstSeenNanos < first ? account.firstSeenNanos : first), accounts[0]!.firstSeenNanos);
    this.known = { fromMs: Number(firstNanos / 1_000_000n), askedAtMs: this.now() };
    return this.known.fromMs;
  }
}
