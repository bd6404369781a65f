import { spansToBatch, type Span, type SpanBatch } from '@stitch/model';
import { ServiceGraphFeed, type StoreLifecycle, type TraceWrites } from '@stitch/store';
import { MetricOutbox } from './metric-outbox.ts';
import { UnpairedSpans } from './unpaired-spans.ts';

export interface KeptSpansOptions {
  /** The account's own store: written and closed here; the read server answers central's reads from it. */
  store: TraceWrites & StoreLifecycle;
  /** The service map's pairing wait and bucket width; calls left unpaired go to central. */
  pairWaitMs?: number;
  bucketMs?: number;
  maxUnpaired?: number;
  /** Span-metric records held for central at most (default 50,000, some 35 MB). */
  maxMetricRecords?: number;
  log: (message: string) => void;
}

/**
 * Federated mode's destination: accepted spans are stored in the account's own store (a 200
 * means stored) and counted into its own service map; the calls and entries that map cannot
 * pair wait in `unpaired` for central, which pairs them across accounts. Their span metrics wait
 * in `metrics` for central too (central counts no span it does not store).
 */
export class KeptSpans {
  readonly unpaired: UnpairedSpans;
  readonly metrics: MetricOutbox;
  private readonly serviceMap: ServiceGraphFeed;

  constructor(private readonly options: KeptSpansOptions) {
    this.unpaired = new UnpairedSpans(options.maxUnpaired ?? 100_000);
    this.metrics = new MetricOutbox(options.maxMetricRecords ?? 50_000, options.log);
    this.serviceMap = new ServiceGraphFeed(options.store, {
      log: options.log,
      ...(options.pairWaitMs !== undefined && { pairWaitMs: options.pairWaitMs, flushEveryMs: Math.min(5_000, Math.max(100, options.pairWaitMs / 2)) }),
      ...(options.bucketMs !== undefined && { bucketMs: options.bucketMs }),
      onUnpaired: (span: Span) => this.unpaired.add(span),
    });
  }

  /** Spans the agent decoded (and checked) as it accepted them. */
  async acceptBatch(batch: SpanBatch): Promise<void> {
    if (batch.length === 0) return;
    await this.options.store.writeBatch(batch);
    this.serviceMap.stored(batch);
    this.metrics.addBatch(batch);
  }

  async acceptSpans(spans: readonly Span[]): Promise<void> {
    if (spans.length === 0) return;
    const batch = spansToBatch(spans);
    await this.options.store.writeBatch(batch);
    this.serviceMap.storedSpans(spans);
    this.metrics.addBatch(batch);
  }

  /** Settles and writes the service map now (tests, and shutdown). */
  flushServiceMap(settleAll = false): Promise<void> {
    return this.serviceMap.flush(settleAll);
  }

  async close(): Promise<void> {
    await this.serviceMap.close();
    await this.options.store.close();
  }
}
