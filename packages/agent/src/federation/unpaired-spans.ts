import type { Span } from '@stitch/model';

/**
 * Calls and entries this account's service map could not pair (the other side is in another
 * account, or nowhere), waiting to go to central, which pairs them across accounts. Bounded:
 * past `max` the oldest are dropped and counted (the map then lacks those calls; the spans
 * themselves are stored).
 */
export class UnpairedSpans {
  private waiting: Span[] = [];
  dropped = 0;

  constructor(private readonly max: number) {}

  add(span: Span): void {
    this.waiting.push(span);
    if (this.waiting.length > this.max) {
      this.waiting.shift();
      this.dropped += 1;
    }
  }

  /** The oldest `count`, still held until `confirm`: a heartbeat that fails sends them again. */
  peek(count: number): readonly Span[] {
    return this.waiting.slice(0, count);
  }

  confirm(sent: readonly Span[]): void {
    // The sent ones are the oldest, less any dropped meanwhile: what is left of them leads the queue.
    const sentSet = new Set(sent);
    let delivered = 0;
    while (delivered < this.waiting.length && sentSet.has(this.waiting[delivered]!)) delivered += 1;
    this.waiting.splice(0, delivered);
  }

  get size(): number {
    return this.waiting.length;
  }
}
