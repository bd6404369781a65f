import type { GraphRecord } from '@stitch/graph';
import { outlineOf, type Account, type Nanos, type Span, type SpanOutline, type TraceSummary } from '@stitch/model';
import type { DurationHistogram } from '@stitch/query';
import { withSpanIds, type AccountSummary, type ServiceSummary, type StoreStats, type TraceQuery, type TraceReads } from '@stitch/store';
import { FederationClient, type RemoteStoreOptions } from './federation-client.ts';
import { accountsAs, recordsAs, servicesAs, spansAs, summariesAs } from './member-account.ts';

/**
 * A member's store as central reads it in federated mode: the agent's answers, checked, and put
 * in the member's account whatever they say. Failures are RemoteReadErrors.
 */
export class RemoteStore implements TraceReads {
  private readonly client: FederationClient;
  private readonly account: Account;

  constructor(options: RemoteStoreOptions) {
    this.client = new FederationClient(options);
    this.account = { id: options.account.id, label: options.account.label };
  }

  async getTrace(traceId: string): Promise<Span[]> {
    return spansAs(this.account, await this.client.getTrace(traceId));
  }

  /** The whole trace: an agent's federation API has no outline (an agent's share of a trace is rarely huge). */
  async getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    return (await this.getTrace(traceId)).map(outlineOf);
  }

  async getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return withSpanIds(await this.getTrace(traceId), spanIds);
  }

  async getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    const traces = await this.client.getTraces(traceIds);
    return new Map([...traces].map(([traceId, spans]) => [traceId, spansAs(this.account, spans)]));
  }

  async searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    return summariesAs(this.account, await this.client.searchTraces(query));
  }

  durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    return this.client.durationHistogram(query);
  }

  traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    return this.client.traceIdsStartedIn(startNanos, endNanos, limit);
  }

  async listServices(): Promise<ServiceSummary[]> {
    return servicesAs(this.account, await this.client.listServices());
  }

  async listAccounts(): Promise<AccountSummary[]> {
    return accountsAs(this.account, await this.client.listAccounts());
  }

  async readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    return recordsAs(this.account, await this.client.readGraphRecords(startMs, endMs));
  }

  stats(): Promise<StoreStats> {
    return this.client.stats();
  }
}
