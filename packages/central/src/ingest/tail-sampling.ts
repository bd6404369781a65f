import type { TailSamplingJson } from '@stitch/api';
import { batchToSpans, spansToBatch, type Span, type SpanBatch } from '@stitch/model';
import { TailSampler, type TailPolicies } from '@stitch/sampling';
import type { Route } from '../http/route.ts';
import type { WriteQueue } from './write-queue.ts';

/**
 * Tail sampling: accepted spans wait for their trace to complete, then only the traces the
 * policies keep are stored. A kept trace whose write fails stays held and is written again at the
 * next decision round: its spans were acknowledged, so they are never dropped. While such spans
 * are held, ingest counts them as waiting for the store (`unstoredSpans`): past its limit it
 * refuses new requests (503, the senders retry), so what is held stays bounded.
 */
export class TailSampling {
  private readonly sampler: TailSampler;
  private readonly timer: NodeJS.Timeout;
  /** Kept traces whose write failed, oldest first: written again before anything decided later. */
  private unstored: Span[][] = [];
  private unstoredSpanCount = 0;
  private failingSince: number | null = null;

  constructor(
    private readonly policies: TailPolicies,
    private readonly writes: WriteQueue,
    private readonly now: () => number,
    private readonly log: (message: string) => void,
  ) {
    this.sampler = new TailSampler(policies);
    this.timer = setInterval(() => void this.storeKept(), Math.max(50, Math.min(1_000, policies.idleMs / 2)));
    this.timer.unref();
  }

  /** Spans of kept traces whose write failed, held until it succeeds. */
  get unstoredSpans(): number {
    return this.unstoredSpanCount;
  }

  hold(batch: SpanBatch): void {
    this.sampler.add(batchToSpans(batch), this.now());
  }

  /** Decides every waiting trace and stores those kept (one last try for those whose write failed). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.storeKept(true);
    if (this.unstored.length > 0) this.log(`tail sampling: ${this.unstored.length} kept traces (${this.unstoredSpanCount} spans) could not be stored before shutdown and are lost`);
  }

  private async storeKept(everything = false): Promise<void> {
    const kept = [...this.unstored, ...this.sampler.decide(this.now(), Math.random, everything)];
    this.unstored = [];
    this.unstoredSpanCount = 0;
    if (kept.length === 0) return;
    try {
      await this.writes.write(spansToBatch(kept.flat()));
      if (this.failingSince !== null) this.log(`tail sampling: kept traces stored again after ${Math.round((this.now() - this.failingSince) / 1000)} s of failed writes`);
      this.failingSince = null;
    } catch (error) {
      // Put back in front of what a round running meanwhile may have held.
      this.unstored = [...kept, ...this.unstored];
      this.unstoredSpanCount = this.unstored.reduce((sum, spans) => sum + spans.length, 0);
      if (this.failingSince === null) {
        this.failingSince = this.now();
        this.log(`tail sampling: ${kept.length} kept traces not stored yet (${(error as Error).message}); held and written again each round until the store takes them`);
      }
    }
  }

  /** GET /api/sampling/tail: the policies and what they decided so far. */
  static route(tail: TailSampling | null): Route {
    return {
      method: 'GET',
      path: '/api/sampling/tail',
      access: 'read-config',
      handle: async () => (tail ? { enabled: true, policies: tail.policies, counts: tail.sampler.counts, waitingSpans: tail.sampler.waitingSpans } : { enabled: false }) satisfies TailSamplingJson,
    };
  }
}
