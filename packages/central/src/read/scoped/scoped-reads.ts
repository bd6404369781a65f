import type { GraphRecord } from '@stitch/graph';
import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import { placeholderOf, summarizeTrace, type LogRecord, type Nanos, type Span, type SpanOutline, type TraceSummary, type UsageRow } from '@stitch/model';
import { histogramOf, traceMatches, type DurationHistogram, type FilterExpr, type MetricCell, type MetricsQuery, type SpanKey } from '@stitch/query';
import type { AccountSummary, MetricsQueryRange, MetricsQueryReads, AttributeDiscovery, AttributeNames, DiscoveryWindow, ValueCount, CentralReads, LogQuery, LogReads, MetricReads, ServiceSummary, StoreStats, TraceQuery, TraceReads, UsageReads, UsageSelector } from '@stitch/store';
import { wholeTraceFilter } from '../federated/federated-search.ts';
import type { ReadCoverage } from '../federated/read-coverage.ts';
import { bothOf } from '../traces/trace-routes.ts';
import { sameOnVisible, visibleImpliedFilter } from './visible-filter.ts';

/** The reads beside the traces that a scoped reader's answers use. */
export type SideReads = LogReads & MetricReads & UsageReads & AttributeDiscovery & MetricsQueryReads;

/** Traces one scoped search checks at most before answering with what it found (the answer says so). */
export const MAX_SCOPED_CANDIDATES = 20_000;

/**
 * A reader scoped to some accounts: every read route gets this view instead of the stores, so
 * no route can show it another account's data.
 * - A trace is found only when it holds one of the reader's spans; the others' spans in it are
 *   placeholders (timing and account only, see placeholderOf).
 * - A search's filter is checked on the trace as the reader sees it, so `service("x")` of
 *   another account never matches; the store is asked only for a condition that view implies.
 * - Accounts, services, logs, span metrics and usage: the reader's accounts' only.
 * - Map records: nodes of its accounts and the edges between them (calls to and from other
 *   accounts are not drawn; the trace shows them as placeholders).
 */
export class ScopedReads implements CentralReads {
  private readonly own: ReadonlySet<string>;
  private readonly ownFilter: FilterExpr;

  constructor(
    private readonly reads: TraceReads,
    private readonly side: SideReads,
    accounts: readonly string[],
    private readonly coverage: ReadCoverage,
  ) {
    this.own = new Set(accounts);
    this.ownFilter = accounts
      .map((id): FilterExpr => ({ type: 'compare', column: 0, field: 'account', op: '=', value: id }))
      .reduce((either, next) => ({ type: 'or', column: 0, left: either, right: next }));
  }

  isOwn(accountId: string): boolean {
    return this.own.has(accountId);
  }

  /** The trace as the reader sees it; null when none of its spans are the reader's. */
  private visible<S extends SpanOutline>(spans: readonly S[]): Array<S | Span> | null {
    if (!spans.some((span) => this.own.has(span.account.id))) return null;
    return spans.map((span) => (this.own.has(span.account.id) ? span : placeholderOf(span)));
  }

  /** Names and values on the reader's accounts' spans only. */
  attributeNames(window: DiscoveryWindow, limit: number): Promise<AttributeNames> {
    return this.side.attributeNames(this.ownWindow(window), limit);
  }

  attributeValues(window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): Promise<ValueCount[]> {
    return this.side.attributeValues(this.ownWindow(window), key, spans, limit);
  }

  /** Metrics over the reader's accounts' spans only. */
  metricCells(query: MetricsQuery, range: MetricsQueryRange): Promise<MetricCell[]> {
    return this.side.metricCells(query, this.ownWindow(range));
  }

  private ownWindow<T extends { accounts?: readonly string[] }>(window: T): T {
    return { ...window, accounts: (window.accounts ?? [...this.own]).filter((account) => this.own.has(account)) };
  }

  async getTrace(traceId: string): Promise<Span[]> {
    return (await this.getTraces([traceId])).get(traceId) ?? [];
  }

  async getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    return this.visible(await this.reads.getTraceOutline(traceId)) ?? [];
  }

  /** The reader's own spans only: another account's is a placeholder in the outline, with nothing more to open. */
  async getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return (await this.reads.getSpans(traceId, spanIds)).filter((span) => this.own.has(span.account.id));
  }

  async getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    const seen = new Map<string, Span[]>();
    for (const [traceId, spans] of await this.reads.getTraces(traceIds)) {
      const visible = this.visible(spans);
      if (visible) seen.set(traceId, visible);
    }
    return seen;
  }

  async searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    return (await this.search(query, query.limit)).map((match) => match.summary);
  }

  async durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    const wanted = wholeTraceFilter({ ...query, limit: 0 });
    // Durations alone mean the same on both views: the store counts them.
    if (sameOnVisible(wanted)) return this.reads.durationHistogram({ startNanos: query.startNanos, endNanos: query.endNanos, filter: bothOf(this.ownFilter, wanted)! });
    return histogramOf((await this.search({ ...query, limit: 0 }, null)).map((match) => match.summary.durationNanos));
  }

  /**
   * The matches newest first, at most `limit` (null: all of the window). The store's candidates
   * (traces with the reader's spans meeting what the filter implies) come newest first, a page at
   * a time; each is read whole and checked on the reader's view.
   */
  private async search(query: TraceQuery, limit: number | null): Promise<Array<{ summary: TraceSummary }>> {
    const wanted = wholeTraceFilter(query);
    const implied = wanted && visibleImpliedFilter(wanted);
    const filter = bothOf(this.ownFilter, implied ?? undefined)!;
    const pageSize = limit === null ? 1_000 : Math.max(limit * 2, 50);
    const matches: Array<{ summary: TraceSummary }> = [];
    const checked = new Set<string>();
    let endNanos = query.endNanos;
    while (true) {
      const page = await this.reads.searchTraces({ startNanos: query.startNanos, endNanos, limit: pageSize, filter });
      const fresh = page.filter((candidate) => !checked.has(candidate.traceId));
      const traces = await this.getTraces(fresh.map((candidate) => candidate.traceId));
      for (const candidate of fresh) {
        checked.add(candidate.traceId);
        const spans = traces.get(candidate.traceId);
        const summary = spans && summarizeTrace(spans);
        if (summary && (!wanted || traceMatches(wanted, spans))) matches.push({ summary });
        if (limit !== null && matches.length === limit) return matches;
      }
      if (page.length < pageSize) return matches;
      if (checked.size >= MAX_SCOPED_CANDIDATES) {
        this.coverage.stoppedAt(`checked ${checked.size} candidate traces, the most one scoped search reads; narrow the window or the filter`);
        return matches;
      }
      // The page's oldest instant may continue on the next page (the end is exclusive).
      const oldest = page.reduce((min, candidate) => (candidate.startTimeUnixNano < min ? candidate.startTimeUnixNano : min), page[0]!.startTimeUnixNano);
      if (fresh.length === 0) return matches;
      endNanos = (oldest + 1n) as Nanos;
    }
  }

  /** A trace is counted when it started in the window; getTraces then shows only those with the reader's spans. */
  traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    return this.reads.traceIdsStartedIn(startNanos, endNanos, limit);
  }

  /**
   * Services of the reader's accounts. A service name also used in another account has its span
   * count across all of them in the store, which cannot be split: it is given as 0.
   */
  async listServices(): Promise<ServiceSummary[]> {
    return (await this.reads.listServices()).flatMap((service) => {
      const accounts = service.accounts.filter((id) => this.own.has(id));
      if (accounts.length === 0) return [];
      return [{ serviceName: service.serviceName, accounts, spanCount: accounts.length === service.accounts.length ? service.spanCount : 0 }];
    });
  }

  async listAccounts(): Promise<AccountSummary[]> {
    return (await this.reads.listAccounts()).filter((account) => this.own.has(account.accountId));
  }

  async readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    return this.visibleGraphRecords(await this.reads.readGraphRecords(startMs, endMs));
  }

  /** Records of the reader's nodes and of edges between them (also those recounted from its view of traces). */
  visibleGraphRecords(records: readonly GraphRecord[]): GraphRecord[] {
    return records.filter((record) => this.own.has(record.to.account) && (record.from === null || this.own.has(record.from.account)));
  }

  async stats(): Promise<StoreStats> {
    const accounts = await this.listAccounts();
    // Traces are not counted per account: of the reader's, only the spans are known.
    return { spanCount: accounts.reduce((sum, account) => sum + account.spanCount, 0), traceCount: 0 };
  }

  /** Each of the reader's accounts asked on its own (the store narrows by one account), merged in the order asked. */
  async searchLogs(query: LogQuery): Promise<LogRecord[]> {
    const accounts = [...this.own];
    const found = (await Promise.all(accounts.map((id) => this.side.searchLogs({ ...query, account: id })))).flat();
    const wanted = query.account === undefined ? found : found.filter((record) => record.account.id === query.account || record.account.label === query.account);
    const time = (record: LogRecord) => record.timeUnixNano;
    wanted.sort((a, b) => (time(a) === time(b) ? 0 : (time(a) < time(b)) === (query.oldestFirst === true) ? -1 : 1));
    return wanted.slice(0, query.limit);
  }

  async readMetricRecords(startMs: number, endMs: number, selector?: MetricSelector, stepMs?: number): Promise<MetricRecord[]> {
    return (await this.side.readMetricRecords(startMs, endMs, selector, stepMs)).filter((record) => this.own.has(record.account));
  }

  async readUsage(startDay: string, endDay: string, selector?: UsageSelector): Promise<UsageRow[]> {
    return (await this.side.readUsage(startDay, endDay, selector)).filter((row) => this.own.has(row.accountId));
  }
}
