import { mergeGraphRecords, type GraphRecord } from '@stitch/graph';
import type { Nanos, Span, SpanOutline, TraceSummary } from '@stitch/model';
import { histogramOf, type DurationHistogram } from '@stitch/query';
import type { AccountSummary, ServiceSummary, StoreStats, TraceQuery, TraceReads } from '@stitch/store';
import { RemoteReadError } from '@stitch/federation';
import type { FederationMember } from '../../federation/federation-members.ts';
import { searchAcrossParts, type FederatedSearchOptions, type PartSource } from './federated-search.ts';
import type { ReadCoverage } from './read-coverage.ts';

/**
 * One request's view of every account: central's own store (accounts that pipe their spans in)
 * and each federated account's store, read in parallel and merged. An account that does not
 * answer in time is left out and named in `coverage`; central's own store failing fails the
 * read as it would without federation.
 */
export class FederatedReads implements TraceReads {
  constructor(
    private readonly local: TraceReads,
    private readonly members: readonly FederationMember[],
    private readonly coverage: ReadCoverage,
    private readonly search: FederatedSearchOptions,
  ) {}

  /** The member's answer, or null when it failed (recorded as missing; not asked again in this request, so one read waits for it once). */
  private async tryMember<T>(member: FederationMember, read: (member: FederationMember) => Promise<T>): Promise<T | null> {
    if (this.coverage.isMissing(member.account.id)) return null;
    try {
      return await read(member);
    } catch (error) {
      if (!(error instanceof RemoteReadError)) throw error;
      this.coverage.accountMissing({ accountId: member.account.id, label: member.account.label, reason: error.reason });
      return null;
    }
  }

  private async everywhere<T>(readLocal: () => Promise<T>, readMember: (member: FederationMember) => Promise<T>): Promise<T[]> {
    const [own, theirs] = await Promise.all([readLocal(), Promise.all(this.members.map((member) => this.tryMember(member, readMember)))]);
    return [own, ...theirs.filter((answer): answer is Awaited<T> => answer !== null)];
  }

  async getTrace(traceId: string): Promise<Span[]> {
    return (await this.getTraces([traceId])).get(traceId) ?? [];
  }

  async getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    return uniqueSpans((await this.everywhere(() => this.local.getTraceOutline(traceId), (member) => member.reads.getTraceOutline(traceId))).flat());
  }

  async getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return uniqueSpans((await this.everywhere(() => this.local.getSpans(traceId, spanIds), (member) => member.reads.getSpans(traceId, spanIds))).flat());
  }

  async getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    const answers = await this.everywhere(() => this.local.getTraces(traceIds), (member) => member.reads.getTraces(traceIds));
    const merged = new Map<string, Span[]>();
    for (const answer of answers) {
      for (const [traceId, spans] of answer) merged.set(traceId, [...(merged.get(traceId) ?? []), ...spans]);
    }
    for (const [traceId, spans] of merged) merged.set(traceId, uniqueSpans(spans));
    return merged;
  }

  private partSources(): PartSource[] {
    const local: PartSource = { searchParts: (query) => this.local.searchTraces(query) };
    const remote = this.members.map((member): PartSource => ({ searchParts: (query) => this.tryMember(member, (m) => m.reads.searchTraces(query)) }));
    return [local, ...remote];
  }

  async searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    const result = await searchAcrossParts(query, query.limit, this.partSources(), (ids) => this.getTraces(ids), this.search);
    if (!result.complete) this.stopped(result.candidates);
    return result.traces;
  }

  async durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    const result = await searchAcrossParts({ ...query, limit: 0 }, null, this.partSources(), (ids) => this.getTraces(ids), this.search);
    if (!result.complete) this.stopped(result.candidates);
    return histogramOf(result.durations);
  }

  private stopped(candidates: number): void {
    this.coverage.stoppedAt(`considered ${candidates} candidate traces, the most one federated search reads; narrow the window or the filter`);
  }

  async listServices(): Promise<ServiceSummary[]> {
    const byName = new Map<string, ServiceSummary>();
    for (const service of (await this.everywhere(() => this.local.listServices(), (member) => member.reads.listServices())).flat()) {
      const into = byName.get(service.serviceName);
      if (!into) byName.set(service.serviceName, { ...service, accounts: [...service.accounts] });
      else {
        into.spanCount += service.spanCount;
        into.accounts = [...new Set([...into.accounts, ...service.accounts])].sort();
      }
    }
    return [...byName.values()].sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  }

  /** A trace held in several accounts is named once. */
  async traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    const all = await this.everywhere(() => this.local.traceIdsStartedIn(startNanos, endNanos, limit), (member) => member.reads.traceIdsStartedIn(startNanos, endNanos, limit));
    return [...new Set(all.flat())];
  }

  async listAccounts(): Promise<AccountSummary[]> {
    const byId = new Map<string, AccountSummary>();
    for (const account of (await this.everywhere(() => this.local.listAccounts(), (member) => member.reads.listAccounts())).flat()) {
      const into = byId.get(account.accountId);
      if (!into) byId.set(account.accountId, { ...account });
      else {
        // An account that piped its spans before it kept them itself is in both.
        into.spanCount += account.spanCount;
        into.services = [...new Set([...into.services, ...account.services])].sort();
        if (account.lastSeenNanos > into.lastSeenNanos) Object.assign(into, { lastSeenNanos: account.lastSeenNanos, label: account.label });
        if (account.firstSeenNanos < into.firstSeenNanos) into.firstSeenNanos = account.firstSeenNanos;
      }
    }
    return [...byId.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  /** Histograms and counts add up across accounts, so merged percentiles are those of all the calls. */
  async readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    return mergeGraphRecords((await this.everywhere(() => this.local.readGraphRecords(startMs, endMs), (member) => member.reads.readGraphRecords(startMs, endMs))).flat());
  }

  /** Trace counts are per store: a trace held in three accounts counts three times. */
  async stats(): Promise<StoreStats> {
    const all = await this.everywhere(() => this.local.stats(), (member) => member.reads.stats());
    return { spanCount: all.reduce((sum, s) => sum + s.spanCount, 0), traceCount: all.reduce((sum, s) => sum + s.traceCount, 0) };
  }
}

/** The same span read from two places (an account that moved from piping to keeping) counts once. */
function uniqueSpans<S extends SpanOutline>(spans: readonly S[]): S[] {
  const seen = new Set<string>();
  return spans.filter((span) => {
    const key = `${span.account.id}/${span.spanId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
