import type { Span } from '@stitch/model';

export interface RecentEntry {
  span: Span;
  receivedMs: number;
  path: string;
}

/** An entry as held: under which keys it is indexed, and its place in arrival order. */
interface Held {
  entry: RecentEntry;
  keys: readonly string[];
  seq: number;
  removed: boolean;
}

/**
 * The entries of one key that started in one second, in arrival order. One forgotten or taken is
 * marked and skipped, not spliced out (a splice moves every entry after it: half a millisecond at
 * 100,000); the marked are dropped from the front as they reach it.
 */
interface StartedInSecond {
  entries: Held[];
  head: number;
  live: number;
}

const SECOND_NANOS = 1_000_000_000n;

/**
 * Entry spans of the last few pair waits, oldest first, bounded, and indexed by key (what a
 * lookup can name, e.g. the request path) and by the second they started in: a settled call looks
 * only at the entries of its keys in the seconds it lasted, not at every recent entry. Adding,
 * taking and forgetting cost the same however many are kept.
 */
export class RecentEntries {
  private readonly byKey = new Map<string, Map<bigint, StartedInSecond>>();
  private readonly held = new Map<RecentEntry, Held>();
  private readonly inArrivalOrder: Held[] = [];
  private head = 0;
  private seq = 0;

  constructor(
    private readonly max: number,
    /** The keys an entry is found under (one key, '', when not given). */
    private readonly keysOf: (entry: RecentEntry) => readonly string[] = () => [''],
  ) {}

  add(entry: RecentEntry): void {
    const held: Held = { entry, keys: [...new Set(this.keysOf(entry))], seq: this.seq++, removed: false };
    const second = entry.span.startTimeUnixNano / SECOND_NANOS;
    for (const key of held.keys) {
      let seconds = this.byKey.get(key);
      if (!seconds) this.byKey.set(key, (seconds = new Map()));
      const started = seconds.get(second);
      if (started) {
        started.entries.push(held);
        started.live++;
      } else {
        seconds.set(second, { entries: [held], head: 0, live: 1 });
      }
    }
    this.held.set(entry, held);
    this.inArrivalOrder.push(held);
    if (this.held.size > this.max) this.dropOldest();
  }

  /** Forgets entries received before `keepFromMs`. */
  prune(keepFromMs: number): void {
    while (this.head < this.inArrivalOrder.length) {
      const oldest = this.inArrivalOrder[this.head]!;
      if (!oldest.removed && oldest.entry.receivedMs >= keepFromMs) break;
      this.head++;
      if (!oldest.removed) this.unindex(oldest);
    }
    if (this.head > 10_000) {
      this.inArrivalOrder.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.held.size;
  }

  /**
   * The first entry (by the second it started in, then arrival) held under one of `keys` that
   * started within [fromNanos, toNanos] and passes `accept`.
   */
  findStartedWithin(fromNanos: bigint, toNanos: bigint, accept: (entry: RecentEntry) => boolean, keys: readonly string[] = ['']): RecentEntry | null {
    let best: { held: Held; second: bigint } | null = null;
    for (const key of keys) {
      const seconds = this.byKey.get(key);
      if (!seconds) continue;
      const found = firstStartedWithin(seconds, fromNanos, toNanos, best?.second ?? null, accept);
      if (found && (!best || found.second < best.second || (found.second === best.second && found.held.seq < best.held.seq))) best = found;
    }
    return best?.held.entry ?? null;
  }

  /** Forgets an entry now (it answered its call and may answer no other). */
  take(entry: RecentEntry): void {
    const held = this.held.get(entry);
    if (!held) return;
    // Its slot in arrival order is skipped when it comes to the front.
    this.unindex(held);
  }

  private dropOldest(): void {
    while (this.head < this.inArrivalOrder.length) {
      const oldest = this.inArrivalOrder[this.head++]!;
      if (oldest.removed) continue;
      this.unindex(oldest);
      return;
    }
  }

  private unindex(held: Held): void {
    this.held.delete(held.entry);
    held.removed = true;
    const second = held.entry.span.startTimeUnixNano / SECOND_NANOS;
    for (const key of held.keys) {
      const seconds = this.byKey.get(key)!;
      const started = seconds.get(second)!;
      if (--started.live === 0) {
        seconds.delete(second);
        if (seconds.size === 0) this.byKey.delete(key);
        continue;
      }
      while (started.entries[started.head]!.removed) started.head++;
      if (started.head > 64 && started.head * 2 > started.entries.length) {
        started.entries = started.entries.slice(started.head);
        started.head = 0;
      }
    }
  }
}

/** A key's first acceptable entry in its seconds from `fromNanos` to `toNanos` (not past `notAfter`, a second already answered by another key). */
function firstStartedWithin(
  seconds: Map<bigint, StartedInSecond>,
  fromNanos: bigint,
  toNanos: bigint,
  notAfter: bigint | null,
  accept: (entry: RecentEntry) => boolean,
): { held: Held; second: bigint } | null {
  const first = fromNanos / SECOND_NANOS;
  let last = toNanos / SECOND_NANOS;
  if (notAfter !== null && notAfter < last) last = notAfter;
  // A span may claim to have lasted centuries (walking each of its seconds hung central):
  // past as many seconds as hold entries, walk those seconds instead.
  const walked = last - first > BigInt(seconds.size) ? [...seconds.keys()].filter((second) => second >= first && second <= last).sort((a, b) => (a < b ? -1 : 1)) : secondsFrom(first, last);
  for (const second of walked) {
    const started = seconds.get(second);
    if (!started) continue;
    for (let i = started.head; i < started.entries.length; i++) {
      const held = started.entries[i]!;
      const start = held.entry.span.startTimeUnixNano;
      if (!held.removed && start >= fromNanos && start <= toNanos && accept(held.entry)) return { held, second };
    }
  }
  return null;
}

function* secondsFrom(first: bigint, last: bigint): Generator<bigint> {
  for (let second = first; second <= last; second++) yield second;
}
