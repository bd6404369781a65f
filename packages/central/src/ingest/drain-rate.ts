/** Busy time summed before it makes one sample of the rate: long enough to span a few writes. */
const SAMPLE_MS = 250;
/** Each sample's weight in the average: a change of pace shows within a second or two. */
const SAMPLE_WEIGHT = 0.3;

/**
 * How fast the store takes spans: an exponentially weighted average of spans stored per second
 * of time a write was in flight, so a store idle for want of work does not look slow. Told of
 * each write's start and end by the write queue; `now` in milliseconds.
 */
export class DrainRate {
  private writing = 0;
  private busySinceMs = 0;
  private busyMs = 0;
  private spans = 0;
  private average: number | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Spans stored per second while busy; null before the first sample. */
  get spansPerSecond(): number | null {
    return this.average;
  }

  started(): void {
    if (this.writing++ === 0) this.busySinceMs = this.now();
  }

  /** A write ended: the spans it stored (0 when it failed: a failing store takes nothing). */
  finished(spans: number): void {
    const nowMs = this.now();
    this.busyMs += nowMs - this.busySinceMs;
    this.busySinceMs = nowMs;
    this.writing -= 1;
    this.spans += spans;
    if (this.busyMs < SAMPLE_MS) return;
    const sample = (this.spans * 1_000) / this.busyMs;
    this.average = this.average === null ? sample : this.average + SAMPLE_WEIGHT * (sample - this.average);
    this.busyMs = 0;
    this.spans = 0;
  }
}
