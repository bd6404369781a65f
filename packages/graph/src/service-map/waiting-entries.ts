import { ArrivalOrderMap, type Span } from '@stitch/model';

export interface Waiting {
  span: Span;
  receivedMs: number;
}

const parentKey = (span: Span) => `${span.traceId}:${span.parentSpanId}`;
const ownKey = (span: Span) => `${span.traceId}:${span.spanId}`;

/**
 * Entry spans waiting for the span that called them, oldest first, found by that parent's id.
 * A parent may have several (a gateway's server span invoking two functions without client
 * spans): each waits under its own id, none overwrites another.
 */
export class WaitingEntries {
  private readonly byId = new ArrivalOrderMap<string, Waiting>();
  private readonly byParent = new Map<string, Set<string>>();

  get size(): number {
    return this.byId.size;
  }

  /** Every entry waiting, oldest first. */
  values(): Iterable<Waiting> {
    return this.byId.values();
  }

  add(span: Span, receivedMs: number): void {
    const key = ownKey(span);
    this.byId.set(key, { span, receivedMs });
    const parent = parentKey(span);
    let children = this.byParent.get(parent);
    if (!children) this.byParent.set(parent, (children = new Set()));
    children.add(key);
  }

  /** The entries whose parent is the span `traceId`/`spanId`, no longer waiting. */
  takeChildrenOf(traceId: string, spanId: string): Waiting[] {
    const parent = `${traceId}:${spanId}`;
    const keys = this.byParent.get(parent);
    if (!keys) return [];
    this.byParent.delete(parent);
    const taken = [...keys].map((key) => this.byId.get(key)!);
    for (const key of keys) this.byId.delete(key);
    return taken;
  }

  /** Takes the oldest, when it was received at or before `dueMs` (any age when dueMs is omitted). */
  takeOldest(dueMs = Number.POSITIVE_INFINITY): Waiting | null {
    const oldest = this.byId.oldest();
    if (!oldest || oldest[1].receivedMs > dueMs) return null;
    const [key, waiting] = this.byId.takeOldest()!;
    const parent = parentKey(waiting.span);
    const siblings = this.byParent.get(parent)!;
    siblings.delete(key);
    if (siblings.size === 0) this.byParent.delete(parent);
    return waiting;
  }
}
