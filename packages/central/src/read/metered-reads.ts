import type { GraphRecord } from '@stitch/graph';
import type { Nanos, Span, SpanOutline, TraceSummary } from '@stitch/model';
import type { DurationHistogram } from '@stitch/query';
import type { AccountSummary, ServiceSummary, StoreStats, TraceQuery, TraceReads } from '@stitch/store';

/** What a metered view tells of what was read (the usage meter). */
export interface ReadMeter {
  scanned(summaries: readonly TraceSummary[]): void;
  retrieved(traces: ReadonlyArray<readonly SpanOutline[]>): void;
}

/**
 * A request's view of the stores that tells the usage meter what it read: a search's summaries
 * are traces scanned, a trace by id and a diagnosis's traces are traces retrieved. What a
 * histogram counts is not attributed (it names no trace). The other reads pass through.
 */
export class MeteredReads implements TraceReads {
  constructor(
    private readonly reads: TraceReads,
    private readonly meter: ReadMeter,
  ) {}

  async searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    const found = await this.reads.searchTraces(query);
    this.meter.scanned(found);
    return found;
  }

  async getTrace(traceId: string): Promise<Span[]> {
    const spans = await this.reads.getTrace(traceId);
    if (spans.length > 0) this.meter.retrieved([spans]);
    return spans;
  }

  /** The outline is the trace retrieved: a huge trace is read so by the console. */
  async getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    const spans = await this.reads.getTraceOutline(traceId);
    if (spans.length > 0) this.meter.retrieved([spans]);
    return spans;
  }

  /** Not metered: the spans opened in a trace whose outline was retrieved. */
  getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return this.reads.getSpans(traceId, spanIds);
  }

  async getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    const found = await this.reads.getTraces(traceIds);
    this.meter.retrieved([...found.values()]);
    return found;
  }

  durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    return this.reads.durationHistogram(query);
  }

  traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    return this.reads.traceIdsStartedIn(startNanos, endNanos, limit);
  }

  listServices(): Promise<ServiceSummary[]> {
    return this.reads.listServices();
  }

  listAccounts(): Promise<AccountSummary[]> {
    return this.reads.listAccounts();
  }

  readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    return this.reads.readGraphRecords(startMs, endMs);
  }

  stats(): Promise<StoreStats> {
    return this.reads.stats();
  }
}
