import { batchToSpans, outlineOf, summarizeTrace, type LogRecord, type Nanos, type Span, type SpanBatch, type SpanOutline, type TraceSummary, type UsageRow } from '@stitch/model';
import { mergeGraphRecords, type GraphRecord } from '@stitch/graph';
import { cellsOfSpans, histogramOf, traceMatches, type DurationHistogram, type FilterExpr, type MetricCell, type MetricsQuery, type SpanKey } from '@stitch/query';
import type { MetricsQueryRange } from './metrics-query-reads.ts';
import { discoverNames, discoverValues, type AttributeNames, type DiscoveryWindow, type ValueCount } from './attribute-discovery.ts';
import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import type { CentralStore } from './central-store.ts';
import type { DerivedCheckpoint, DerivedCommit, StoredWrite } from './derived-state.ts';
import { InMemoryLogs } from './in-memory-logs.ts';
import { InMemoryMetrics } from './in-memory-metrics.ts';
import { InMemoryUsage } from './in-memory-usage.ts';
import type { LogQuery } from './log-store.ts';
import { currentReadBudget } from './read-budget.ts';
import { withSpanIds, type AccountSummary, type ServiceSummary, type StoreStats, type TraceQuery, type WriteTimer } from './trace-store.ts';
import type { UsageSelector } from './usage-store.ts';

/** A store in plain memory: the reference the contract suites are checked against, and a fixture for tests that need no database. */
export class InMemoryStore implements CentralStore {
  private readonly traces = new Map<string, Span[]>();
  /** Spans of each numbered write, by its number. */
  private readonly writes = new Map<number, Span[]>();
  private checkpoint: DerivedCheckpoint | null = null;
  private spanCount = 0;
  private readonly deliveries = new Set<string>();
  private readonly graph: GraphRecord[] = [];
  private readonly usage = new InMemoryUsage();
  private readonly metrics = new InMemoryMetrics();
  private readonly logs = new InMemoryLogs();

  addUsage(rows: readonly UsageRow[]): Promise<void> {
    return this.usage.addUsage(rows);
  }

  readUsage(startDay: string, endDay: string, selector?: UsageSelector): Promise<UsageRow[]> {
    return this.usage.readUsage(startDay, endDay, selector);
  }

  writeMetricRecords(records: readonly MetricRecord[]): Promise<void> {
    return this.metrics.writeMetricRecords(records);
  }

  readMetricRecords(startMs: number, endMs: number, selector?: MetricSelector, stepMs?: number): Promise<MetricRecord[]> {
    return this.metrics.readMetricRecords(startMs, endMs, selector, stepMs);
  }

  writeLogs(records: readonly LogRecord[]): Promise<void> {
    return this.logs.writeLogs(records);
  }

  searchLogs(query: LogQuery): Promise<LogRecord[]> {
    return this.logs.searchLogs(query);
  }

  async writeBatch(batch: SpanBatch, deliveryIds: readonly string[] = [], ingestSeq?: number, timer?: WriteTimer): Promise<SpanBatch> {
    const started = performance.now();
    for (const id of deliveryIds) this.deliveries.add(id);
    const spans = batchToSpans(batch);
    if (ingestSeq !== undefined && spans.length > 0) this.writes.set(ingestSeq, [...(this.writes.get(ingestSeq) ?? []), ...spans]);
    for (const span of spans) {
      const list = this.traces.get(span.traceId);
      if (list) list.push(span);
      else this.traces.set(span.traceId, [span]);
    }
    this.spanCount += spans.length;
    timer?.('store-append', (performance.now() - started) * 1_000);
    return batch;
  }

  async storedDeliveries(deliveryIds: readonly string[]): Promise<Set<string>> {
    return new Set(deliveryIds.filter((id) => this.deliveries.has(id)));
  }

  async getTrace(traceId: string): Promise<Span[]> {
    return [...(this.traces.get(traceId) ?? [])];
  }

  async getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    return (this.traces.get(traceId) ?? []).map(outlineOf);
  }

  async getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return withSpanIds(this.traces.get(traceId) ?? [], spanIds);
  }

  async searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    const matches = this.matching(query);
    matches.sort((a, b) => (a.startTimeUnixNano > b.startTimeUnixNano ? -1 : a.startTimeUnixNano < b.startTimeUnixNano ? 1 : a.traceId < b.traceId ? -1 : 1));
    return matches.slice(0, query.limit);
  }

  async durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    return histogramOf(this.matching(query).map((summary) => summary.durationNanos));
  }

  private matching(query: Omit<TraceQuery, 'limit'>): TraceSummary[] {
    const matches: TraceSummary[] = [];
    // The scan is synchronous: no timer can stop it, so it looks at the clock itself.
    const budget = currentReadBudget();
    for (const spans of this.traces.values()) {
      budget?.check();
      const summary = summarizeTrace(spans)!;
      if (summary.startTimeUnixNano < query.startNanos || summary.startTimeUnixNano >= query.endNanos) continue;
      if (query.serviceName !== undefined && !summary.services.includes(query.serviceName)) continue;
      if (query.minDurationNanos !== undefined && summary.durationNanos < query.minDurationNanos) continue;
      if (query.maxDurationNanos !== undefined && summary.durationNanos > query.maxDurationNanos) continue;
      if (query.filter && !traceMatches(query.filter, spans)) continue;
      matches.push(summary);
    }
    return matches;
  }

  async getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    const found = new Map<string, Span[]>();
    for (const traceId of traceIds) {
      const spans = this.traces.get(traceId);
      if (spans) found.set(traceId, [...spans]);
    }
    return found;
  }

  async traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    const found: string[] = [];
    for (const [traceId, spans] of this.traces) {
      if (found.length >= limit) break;
      if (spans.some((span) => span.startTimeUnixNano >= startNanos && span.startTimeUnixNano < endNanos)) found.push(traceId);
    }
    return found;
  }

  async listServices(): Promise<ServiceSummary[]> {
    const services = new Map<string, { accounts: Set<string>; spanCount: number }>();
    for (const spans of this.traces.values()) {
      for (const span of spans) {
        const entry = services.get(span.resource.serviceName) ?? { accounts: new Set<string>(), spanCount: 0 };
        entry.accounts.add(span.account.id);
        entry.spanCount += 1;
        services.set(span.resource.serviceName, entry);
      }
    }
    return [...services.entries()]
      .map(([serviceName, entry]) => ({ serviceName, accounts: [...entry.accounts].sort(), spanCount: entry.spanCount }))
      .sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  }

  async writeGraphRecords(records: readonly GraphRecord[]): Promise<void> {
    this.graph.push(...structuredClone(records));
  }

  async readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    return mergeGraphRecords(this.graph.filter((record) => record.bucketStartMs >= startMs && record.bucketStartMs < endMs));
  }

  async listAccounts(): Promise<AccountSummary[]> {
    const accounts = new Map<string, AccountSummary>();
    for (const spans of this.traces.values()) {
      for (const span of spans) {
        const entry = accounts.get(span.account.id) ?? { accountId: span.account.id, label: span.account.label, services: [], spanCount: 0, lastSeenNanos: span.endTimeUnixNano, firstSeenNanos: span.startTimeUnixNano };
        if (span.startTimeUnixNano < entry.firstSeenNanos) entry.firstSeenNanos = span.startTimeUnixNano;
        if (!entry.services.includes(span.resource.serviceName)) entry.services.push(span.resource.serviceName);
        entry.spanCount += 1;
        if (span.endTimeUnixNano >= entry.lastSeenNanos) {
          entry.lastSeenNanos = span.endTimeUnixNano;
          entry.label = span.account.label;
        }
        accounts.set(span.account.id, entry);
      }
    }
    return [...accounts.values()]
      .map((entry) => ({ ...entry, services: entry.services.sort() }))
      .sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  }

  async lastIngestSeq(): Promise<number> {
    return Math.max(0, ...this.writes.keys());
  }

  async readWrites(afterSeq: number, throughSeq: number): Promise<StoredWrite[]> {
    return [...this.writes.entries()]
      .filter(([seq]) => seq > afterSeq && seq <= throughSeq)
      .sort(([a], [b]) => a - b)
      .map(([seq, spans]) => ({ seq, spans: [...spans] }));
  }

  async commitDerived(commit: DerivedCommit): Promise<void> {
    await this.writeGraphRecords(commit.graphRecords);
    await this.writeMetricRecords(commit.metricRecords);
    await this.addUsage(commit.usageRows);
    this.checkpoint = structuredClone(commit.checkpoint);
  }

  async readDerivedCheckpoint(): Promise<DerivedCheckpoint | null> {
    return structuredClone(this.checkpoint);
  }

  async stats(): Promise<StoreStats> {
    return { spanCount: this.spanCount, traceCount: this.traces.size };
  }

  async metricCells(query: MetricsQuery, range: MetricsQueryRange): Promise<MetricCell[]> {
    const accounts = range.accounts ? new Set(range.accounts) : null;
    const spans = [...this.traces.values()].flat().filter((span) => !accounts || accounts.has(span.account.id));
    return cellsOfSpans(query, spans, range);
  }

  async attributeNames(window: DiscoveryWindow, limit: number): Promise<AttributeNames> {
    return discoverNames([...this.traces.values()].flat(), window, limit);
  }

  async attributeValues(window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): Promise<ValueCount[]> {
    return discoverValues([...this.traces.values()].flat(), window, key, spans, limit);
  }

  async close(): Promise<void> {}
}
