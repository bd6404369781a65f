import type { Span } from '@stitch/model';

export interface RecentEntry {
  span: Span;
  receivedMs: number;
  path: string;
}

const SECOND_NANOS = 1_000_000_000n;

/**
 * Entry spans of the last few pair waits, oldest first, bounded, and indexed by the second they
 * started in: a settled call looks only at the seconds it lasted, not at every recent entry.
 * Adding and forgetting cost the same however many are kept.
 */
export class RecentEntries {
  private readonly bySecond = new Map<bigint, RecentEntry[]>();
  private readonly inArrivalOrder: RecentEntry[] = [];
  private head = 0;

  constructor(private readonly max: number) {}

  add(entry: RecentEntry): void {
    const second = entry.span.startTimeUnixNano / SECOND_NANOS;
    const list = this.bySecond.get(second);
    if (list) list.push(entry);
    else this.bySecond.set(second, [entry]);
    this.inArrivalOrder.push(entry);
    if (this.inArrivalOrder.length - this.head > this.max) this.dropOldest();
  }

  /** Forgets entries received before `keepFromMs`. */
  prune(keepFromMs: number): void {
    while (this.head < this.inArrivalOrder.length && this.inArrivalOrder[this.head]!.receivedMs < keepFromMs) this.dropOldest();
    if (this.head > 10_000) {
      this.inArrivalOrder.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.inArrivalOrder.length - this.head;
  }

  /** The oldest entry that passes `accept`. */
  find(accept: (entry: RecentEntry) => boolean): RecentEntry | null {
    for (let i = this.head; i < this.inArrivalOrder.length; i++) if (accept(this.inArrivalOrder[i]!)) return this.inArrivalOrder[i]!;
    return null;
  }

  /** The first entry that started within [fromNanos, toNanos] and passes `accept`. */
  findStartedWithin(fromNanos: bigint, toNanos: bigint, accept: (entry: RecentEntry) => boolean): RecentEntry | null {
    const first = fromNanos / SECOND_NANOS;
    const last = toNanos / SECOND_NANOS;
    // A span may claim to have lasted centuries (walking each of its seconds hung central):
    // past as many seconds as hold entries, walk those seconds instead.
    const seconds = last - first > BigInt(this.bySecond.size) ? [...this.bySecond.keys()].filter((second) => second >= first && second <= last).sort((a, b) => (a < b ? -1 : 1)) : secondsFrom(first, last);
    for (const second of seconds) {
      for (const entry of this.bySecond.get(second) ?? []) {
        if (entry.span.startTimeUnixNano >= fromNanos && entry.span.startTimeUnixNano <= toNanos && accept(entry)) return entry;
      }
    }
    return null;
  }

  private dropOldest(): void {
    const oldest = this.inArrivalOrder[this.head++]!;
    const second = oldest.span.startTimeUnixNano / SECOND_NANOS;
    const list = this.bySecond.get(second)!;
    list.splice(list.indexOf(oldest), 1);
    if (list.length === 0) this.bySecond.delete(second);
  }
}

function* secondsFrom(first: bigint, last: bigint): Generator<bigint> {
  for (let second = first; second <= last; second++) yield second;
}
