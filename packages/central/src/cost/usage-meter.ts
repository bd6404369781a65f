import { countIngested, countRead, countStored, ownerOfSpans, RecentKeys, UsageTally, type TraceOwner } from '@stitch/cost';
import type { Span, SpanBatch, TraceSummary } from '@stitch/model';
import type { TraceStore, UsageStore } from '@stitch/store';
import { MeteredReads } from './metered-reads.ts';

export interface UsageMeterOptions {
  now: () => number;
  log: (message: string) => void;
  /** How often counts go to the store (default 5 s). */
  flushMs?: number;
  /** (trace, account, service, day) keys remembered, so a trace's later parts are not counted again (default 200,000). */
  rememberedTraces?: number;
}

/**
 * Central's usage meter: counts what is ingested, stored and read (pure counting in @stitch/cost)
 * and writes the counts to the store every few seconds and on close. Its hooks never throw: a
 * failure to count must not fail a request. A failed write keeps the counts for the next one.
 */
export class UsageMeter {
  private readonly tally = new UsageTally();
  private readonly seen: RecentKeys;
  /** Root (account, service) of recently stored traces: a search's summaries name the root service, not its account. */
  private readonly roots = new RecentKeys<TraceOwner>(100_000);
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: UsageStore,
    private readonly options: UsageMeterOptions,
  ) {
    this.seen = new RecentKeys(options.rememberedTraces ?? 200_000);
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 5_000);
    this.timer.unref();
  }

  /** A batch stored (after tail sampling): spans, traces recorded, stored bytes. */
  stored(batch: SpanBatch): void {
    this.safely('stored spans', () => {
      countStored(batch, this.tally, this.seen);
      for (let i = 0; i < batch.length; i++) {
        if (batch.parentSpanId[i] === null) this.roots.set(batch.traceId[i]!, { accountId: batch.accountId[i]!, serviceName: batch.serviceName[i]! });
      }
    });
  }

  /** A request's accepted spans and its payload size. */
  ingested(batch: SpanBatch, requestBytes: number): void {
    this.safely('ingested bytes', () => countIngested(batch, requestBytes, this.tally));
  }

  /** Summaries a search answered with. */
  scanned(summaries: readonly TraceSummary[]): void {
    this.safely('scanned traces', () => {
      const owners = summaries.map((summary) => this.roots.get(summary.traceId) ?? { accountId: summary.accounts[0] ?? '', serviceName: summary.rootServiceName });
      countRead(owners, 'tracesScanned', this.options.now(), this.tally);
    });
  }

  /** Whole traces read. */
  retrieved(traces: ReadonlyArray<readonly Span[]>): void {
    this.safely('retrieved traces', () => {
      const owners = traces.map(ownerOfSpans).filter((owner): owner is TraceOwner => owner !== null);
      countRead(owners, 'tracesRetrieved', this.options.now(), this.tally);
    });
  }

  /** A view of `reads` that counts what the request reads through it. */
  metered(reads: TraceStore): TraceStore {
    return new MeteredReads(reads, this);
  }

  /** Writes the counts so far (after any write already under way). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const rows = this.tally.take();
      if (rows.length === 0) return;
      try {
        await this.store.addUsage(rows);
      } catch (error) {
        this.tally.addRows(rows);
        this.options.log(`usage: ${rows.length} rows not written, kept for the next try (${(error as Error).message})`);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private safely(what: string, count: () => void): void {
    try {
      count();
    } catch (error) {
      this.options.log(`usage: ${what} not counted (${(error as Error).message})`);
    }
  }
}
