import { RecentKeys } from '@stitch/cost';
import { batchToSpans, spansToBatch, type SpanBatch } from '@stitch/model';
import type { RejectedSpan } from '@stitch/wire';

/**
 * Spans per trace: a runaway loop must not grow one trace without end (its view would not load).
 * Counts are kept for the most recently active traces (a trace still growing stays remembered),
 * in this process: after a restart a trace may take the limit once more.
 */
export class TraceSizeLimit {
  /**
   * At least the `rememberedTraces` most recently active (set again, a trace still growing stays
   * remembered), in two generations of that many: no eviction from a Map's front per new trace.
   */
  private readonly counts: RecentKeys<number>;

  constructor(
    readonly maxSpansPerTrace: number,
    rememberedTraces = 100_000,
  ) {
    this.counts = new RecentKeys(2 * rememberedTraces);
  }

  /**
   * The batch's spans that fit their trace's limit (counted from now on), and the refusals of
   * the rest. `rejectedBefore`: the request's spans refused while decoding, so each refusal
   * names the span's position in the request.
   */
  admit(batch: SpanBatch, rejectedBefore: readonly RejectedSpan[]): { batch: SpanBatch; rejected: RejectedSpan[] } {
    const inBatch = new Map<string, number>();
    for (const traceId of batch.traceId) inBatch.set(traceId, (inBatch.get(traceId) ?? 0) + 1);
    let over = false;
    for (const [traceId, count] of inBatch) if ((this.counts.get(traceId) ?? 0) + count > this.maxSpansPerTrace) over = true;
    if (!over) {
      for (const [traceId, count] of inBatch) this.counts.set(traceId, (this.counts.get(traceId) ?? 0) + count);
      return { batch, rejected: [] };
    }
    // Rare: rebuild the batch without the spans past their trace's limit.
    const decodeRefusals = rejectedBefore.map((r) => r.index).sort((a, b) => a - b);
    const kept = [];
    const rejected: RejectedSpan[] = [];
    const spans = batchToSpans(batch);
    for (let i = 0, refusedBefore = 0; i < spans.length; i++) {
      const span = spans[i]!;
      while (refusedBefore < decodeRefusals.length && decodeRefusals[refusedBefore]! <= i + refusedBefore) refusedBefore += 1;
      const count = this.counts.get(span.traceId) ?? 0;
      if (count >= this.maxSpansPerTrace) {
        // Still growing: it stays remembered, and refused (forgotten, it would take the limit again).
        this.counts.set(span.traceId, count);
        rejected.push({ index: i + refusedBefore, spanId: span.spanId, reason: `traceId: trace ${span.traceId} has reached the limit of ${this.maxSpansPerTrace} spans per trace` });
        continue;
      }
      this.counts.set(span.traceId, count + 1);
      kept.push(span);
    }
    return { batch: spansToBatch(kept), rejected };
  }
}
