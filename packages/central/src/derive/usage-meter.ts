import { countIngested, countRead, countStored, ownerOfSpans, RecentKeys, UsageTally, type TraceOwner } from '@stitch/cost';
import type { Span, SpanBatch, SpanOutline, TraceSummary, UsageRow } from '@stitch/model';
import type { DerivedPart, StoredBatchProcessor } from './stored-batch-processor.ts';

export interface UsageMeterOptions {
  now: () => number;
  log: (message: string) => void;
  /** (trace, account, service, day) keys remembered, so a trace's later parts are not counted again (default 200,000). */
  rememberedTraces?: number;
}

/**
 * Central's usage meter: counts what is ingested, stored and read (pure counting in @stitch/cost).
 * Its hooks never throw: a failure to count must not fail a request. Its counts are committed
 * with the other derived figures (DerivedFigures), in two parts: what is counted from stored
 * spans (spans, traces recorded, stored bytes) can be counted again from the store after a
 * restart or a failed commit (`restart`); what is not (bytes ingested, traces read: requests,
 * not stored spans) is kept in memory until a commit takes it.
 */
export class UsageMeter implements StoredBatchProcessor {
  readonly name = 'usage';
  /** Counted from stored spans: recountable. */
  private storedTally = new UsageTally();
  private seen: RecentKeys;
  /** Ingested bytes and reads: not recountable. */
  private readonly requestTally = new UsageTally();
  /** The request counts of the last flush, until its commit is known to have landed. */
  private flushedRequests: UsageRow[] = [];
  /** Root (account, service) of recently stored traces: a search's summaries name the root service, not its account. */
  private readonly roots = new RecentKeys<TraceOwner>(100_000);

  constructor(private readonly options: UsageMeterOptions) {
    this.seen = new RecentKeys(this.rememberedTraces);
  }

  private get rememberedTraces(): number {
    return this.options.rememberedTraces ?? 200_000;
  }

  /** A batch stored (after tail sampling): spans, traces recorded, stored bytes. */
  stored(batch: SpanBatch): void {
    this.safely('stored spans', () => {
      countStored(batch, this.storedTally, this.seen);
      for (let i = 0; i < batch.length; i++) {
        if (batch.parentSpanId[i] === null) this.roots.set(batch.traceId[i]!, { accountId: batch.accountId[i]!, serviceName: batch.serviceName[i]! });
      }
    });
  }

  /** Forgets what was counted from stored spans (and the traces seen): counting starts again from a checkpoint. */
  restart(): void {
    this.storedTally = new UsageTally();
    this.seen = new RecentKeys(this.rememberedTraces);
  }

  /** Spans counted before the checkpoint: their traces are remembered as counted, nothing is added. */
  rememberStored(batch: SpanBatch): void {
    this.safely('remembered spans', () => countStored(batch, new UsageTally(), this.seen));
  }

  /** A request's accepted spans and its payload size. */
  ingested(batch: SpanBatch, requestBytes: number): void {
    this.safely('ingested bytes', () => countIngested(batch, requestBytes, this.requestTally));
  }

  /** Summaries a search answered with. */
  scanned(summaries: readonly TraceSummary[]): void {
    this.safely('scanned traces', () => {
      const owners = summaries.map((summary) => this.roots.get(summary.traceId) ?? { accountId: summary.accounts[0] ?? '', serviceName: summary.rootServiceName });
      countRead(owners, 'tracesScanned', this.options.now(), this.requestTally);
    });
  }

  /** Whole traces read. */
  retrieved(traces: ReadonlyArray<readonly SpanOutline[]>): void {
    this.safely('retrieved traces', () => {
      const owners = traces.map(ownerOfSpans).filter((owner): owner is TraceOwner => owner !== null);
      countRead(owners, 'tracesRetrieved', this.options.now(), this.requestTally);
    });
  }

  /** Everything counted since the last flush, as rows. */
  flush(): DerivedPart {
    const requests = this.requestTally.take();
    const all = new UsageTally();
    all.addRows(this.storedTally.take());
    all.addRows(requests);
    this.flushedRequests = requests;
    return { usageRows: all.take() };
  }

  /** The request counts the failed commit did not write are kept for the next. */
  failed(): void {
    this.requestTally.addRows(this.flushedRequests);
    this.flushedRequests = [];
  }

  private safely(what: string, count: () => void): void {
    try {
      count();
    } catch (error) {
      this.options.log(`usage: ${what} not counted (${(error as Error).message})`);
    }
  }
}
