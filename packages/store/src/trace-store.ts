import type { GraphRecord } from '@stitch/graph';
import type { Nanos, Span, SpanBatch, SpanOutline, TraceSummary } from '@stitch/model';
import type { DurationHistogram, FilterExpr } from '@stitch/query';
import type { StoreLifecycle } from './store-lifecycle.ts';

/**
 * What a trace search asks for. The time window applies to the trace's start; the duration
 * bounds to the whole trace (first span start to last span end), as on-call filters mean it.
 * `filter` is a parsed filter expression; each backend compiles it to its own query language
 * with the meaning `traceMatches` defines.
 */
export interface TraceQuery {
  startNanos: Nanos;
  endNanos: Nanos;
  limit: number;
  /** The trace has at least one span of this service. */
  serviceName?: string;
  minDurationNanos?: Nanos;
  maxDurationNanos?: Nanos;
  filter?: FilterExpr;
}

export interface ServiceSummary {
  serviceName: string;
  /** Account ids the service has reported from, sorted. */
  accounts: string[];
  spanCount: number;
}

export interface AccountSummary {
  accountId: string;
  /** The label its newest span carries. */
  label: string;
  /** Services it has reported, sorted. */
  services: string[];
  spanCount: number;
  /** End of its newest span. */
  lastSeenNanos: Nanos;
  /** Start of its earliest span: since when its data is known. */
  firstSeenNanos: Nanos;
}

export interface StoreStats {
  spanCount: number;
  traceCount: number;
}

/**
 * What reading spans needs: traces by id, searches, the services and accounts seen, and the
 * service map. Read routes and read wrappers (metering, scoping, federation, an agent's
 * federation routes) take only this. Every backend passes the same contract suite
 * (`runStoreContract`).
 */
export interface TraceReads {
  /** All spans of a trace, in no particular order; empty when the trace is unknown. */
  getTrace(traceId: string): Promise<Span[]>;
  /**
   * All spans of a trace without their detail (SpanOutline), in no particular order; empty when the
   * trace is unknown. What drawing a huge trace needs, read in a fraction of getTrace's time.
   */
  getTraceOutline(traceId: string): Promise<SpanOutline[]>;
  /** The spans of a trace with these ids, whole: the ones a person opens in a huge trace. Ids not in it are absent. */
  getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]>;
  /** Matching traces, newest start first, at most `limit`. */
  searchTraces(query: TraceQuery): Promise<TraceSummary[]>;
  /** How the durations of every matching trace in the window spread (not just the first page's). */
  durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram>;
  /** The spans of many traces at once (for analyses over hundreds of traces); unknown ids are absent from the map. */
  getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>>;
  /**
   * Ids of the traces with at least one span that started in [startNanos, endNanos), at most
   * `limit` of them in no particular order: the spans a window's edges need counted exactly.
   */
  traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]>;
  /** Every service seen, sorted by name. */
  listServices(): Promise<ServiceSummary[]>;
  /** Every account with stored spans, sorted by id. */
  listAccounts(): Promise<AccountSummary[]>;
  /** The service-map records of buckets starting in [startMs, endMs), added up per node, edge and finding (bucketStartMs: the earliest). */
  readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]>;
  stats(): Promise<StoreStats>;
}

/** Told how long each part of a write took, in microseconds: central's per-stage ingest times (GET /api/ingest/stages). */
export type WriteTimer = (part: 'store-append' | 'commit', micros: number) => void;

/** What storing spans needs: ingest's write queue, an agent keeping its own spans, the service map's feed. */
export interface TraceWrites {
  /**
   * Stores the whole batch or nothing; resolves once the spans are queryable (and durable where
   * the backend is). `deliveryIds` (a sender's idempotency keys) are recorded in the same
   * transaction, so a retried delivery can be recognised (`storedDeliveries`) and not stored twice.
   * `ingestSeq`: central's number for this write, stored with its spans (see derived-state.ts).
   * `timer`: told the time spent appending the rows and committing them (a store without a
   * separate commit reports the append only). Resolves with the spans this write stored: the
   * batch, less those an earlier, partly landed attempt of its deliveries stored (a store whose
   * writes can land in part resumes them so); what counts stored spans counts these.
   */
  writeBatch(batch: SpanBatch, deliveryIds?: readonly string[], ingestSeq?: number, timer?: WriteTimer): Promise<SpanBatch>;
  /** Which of these delivery ids came with a batch already stored: the writer's check before it writes again. */
  storedDeliveries(deliveryIds: readonly string[]): Promise<Set<string>>;
  /** Service-map buckets counted at ingest. */
  writeGraphRecords(records: readonly GraphRecord[]): Promise<void>;
}

/** A store of spans that is opened and closed: an agent's own, and every backend's trace part. */
export type TraceStore = TraceReads & TraceWrites & StoreLifecycle;

/** The spans among `spans` with one of these ids: getSpans where the whole trace is read anyway. */
export function withSpanIds<S extends { spanId: string }>(spans: readonly S[], spanIds: readonly string[]): S[] {
  const wanted = new Set(spanIds);
  return spans.filter((span) => wanted.has(span.spanId));
}
