import { PayloadCursor, type PayloadSource } from './ingest-load.ts';
import type { MixPayload } from './mix-pool.ts';

interface Held {
  dueAt: number;
  body: Uint8Array;
  spanCount: number;
}

/**
 * An account's payloads as its exporters send them: in order, pass after pass, except those
 * with a delay (late root spans), which are held back and sent once that long has passed
 * (before anything else then). Time is real time, so the spread is the same at any rate.
 */
export class DelayingCursor implements PayloadSource {
  private readonly cursor: PayloadCursor<MixPayload>;
  /** One queue per delay: a queue's payloads fall due in the order they were held. */
  private readonly held = new Map<number, Held[]>();

  constructor(
    payloads: readonly MixPayload[],
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!payloads.some((payload) => payload.delayMs === 0)) throw new Error('a stream needs payloads sent in order');
    this.cursor = new PayloadCursor(payloads);
  }

  /** Payloads held and not yet sent. */
  get heldCount(): number {
    let count = 0;
    for (const queue of this.held.values()) count += queue.length;
    return count;
  }

  next(): { body: Uint8Array; spanCount: number } {
    const now = this.now();
    for (const queue of this.held.values()) if (queue.length > 0 && queue[0]!.dueAt <= now) return queue.shift()!;
    for (;;) {
      const { payload, body } = this.cursor.nextOf();
      if (payload.delayMs === 0) return { body, spanCount: payload.spanCount };
      let queue = this.held.get(payload.delayMs);
      if (!queue) this.held.set(payload.delayMs, (queue = []));
      queue.push({ dueAt: now + payload.delayMs, body, spanCount: payload.spanCount });
    }
  }
}
