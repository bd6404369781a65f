import type { TailSamplingJson } from '@stitch/api';
import { batchToSpans, spansToBatch, type SpanBatch } from '@stitch/model';
import { TailSampler, type TailPolicies } from '@stitch/sampling';
import type { Route } from '../http/route.ts';
import type { WriteQueue } from './write-queue.ts';

/** Tail sampling: accepted spans wait for their trace to complete, then only the traces the policies keep are stored. */
export class TailSampling {
  private readonly sampler: TailSampler;
  private readonly timer: NodeJS.Timeout;

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

  hold(batch: SpanBatch): void {
    this.sampler.add(batchToSpans(batch), this.now());
  }

  /** Decides every waiting trace and stores those kept. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.storeKept(true);
  }

  private async storeKept(everything = false): Promise<void> {
    const kept = this.sampler.decide(this.now(), Math.random, everything);
    if (kept.length === 0) return;
    try {
      await this.writes.write(spansToBatch(kept.flat()));
    } catch (error) {
      this.log(`tail sampling: ${kept.length} kept traces not stored (${(error as Error).message})`);
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
