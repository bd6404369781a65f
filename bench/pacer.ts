import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spans per second at most, shared by any number of senders: each request takes the next slot of
 * the schedule and waits for it. The schedule does not bank time a slow answer lost, so a stream
 * that cannot keep up is sent less, never a burst to catch up.
 */
export class Pacer {
  private nextAtMs = 0;

  constructor(
    private readonly spansPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async take(spanCount: number): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextAtMs);
    this.nextAtMs = slot + (spanCount / this.spansPerSecond) * 1_000;
    if (slot > now) await sleep(slot - now);
  }
}
