import { ServiceGraphAggregator, type AggregatorOptions } from '@stitch/graph';
import { batchToSpans, type Span, type SpanBatch } from '@stitch/model';
import type { TraceWrites } from './trace-store.ts';

export interface ServiceGraphFeedOptions extends AggregatorOptions {
  /** How often counted buckets are written to the store (default 5 s). */
  flushEveryMs?: number;
  log: (message: string) => void;
  now?: () => number;
}

/**
 * Keeps the service map up to date at ingest: every stored batch goes through the aggregator
 * once (a retried delivery is not stored twice, so not counted twice); every few seconds what
 * waited long enough is settled and the counted buckets are written to the store. Central's and
 * each federated agent's alike: an agent's hands what it could not pair to `onUnpaired`, central's
 * takes those in through `addUnpaired`.
 */
export class ServiceGraphFeed {
  private readonly aggregator: ServiceGraphAggregator;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<TraceWrites, 'writeGraphRecords'>,
    private readonly options: ServiceGraphFeedOptions,
  ) {
    this.aggregator = new ServiceGraphAggregator(options);
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.flush(), options.flushEveryMs ?? 5_000);
    this.timer.unref();
  }

  stored(batch: SpanBatch): void {
    this.storedSpans(batchToSpans(batch));
  }

  /** Never throws: the spans are stored and acknowledged whatever the map makes of them. */
  storedSpans(spans: readonly Span[]): void {
    try {
      this.aggregator.add(spans, this.now());
    } catch (error) {
      this.options.log(`service map: a batch of ${spans.length} spans was not counted (${(error as Error).stack ?? String(error)})`);
    }
  }

  /** Spans an agent's feed handed over. Never throws, like `storedSpans`. */
  addUnpaired(spans: readonly Span[]): void {
    try {
      this.aggregator.addUnpaired(spans, this.now());
    } catch (error) {
      this.options.log(`service map: ${spans.length} handed-over spans were not counted (${(error as Error).stack ?? String(error)})`);
    }
  }

  /** Settles what waited `pairWaitMs` (everything when `settleAll`) and writes the buckets. */
  flush(settleAll = false): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      try {
        this.aggregator.expire(settleAll ? Number.MAX_SAFE_INTEGER : this.now());
      } catch (error) {
        // A throw here rejected every later flush too, and the timer's one crashed central.
        this.options.log(`service map: settling waiting calls failed (${(error as Error).stack ?? String(error)})`);
      }
      const records = this.aggregator.drain();
      try {
        await this.store.writeGraphRecords(records);
      } catch (error) {
        this.options.log(`service map: ${records.length} buckets not written (${(error as Error).message})`);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }
}
