import type { GraphRecord } from '@stitch/graph';
import { isValidTraceId, outlineOf, type Account, type Nanos, type Span, type SpanOutline, type TraceSummary } from '@stitch/model';
import type { DurationHistogram } from '@stitch/query';
import { withSpanIds, type AccountSummary, type ServiceSummary, type StoreStats, type TraceQuery, type TraceReads } from '@stitch/store';
import { accountsAnswer, graphAnswer, histogramAnswer, searchAnswer, servicesAnswer, startedInAnswer, statsAnswer, tracesAnswer } from './answer-schemas.ts';
import { fetchAnswer, type AgentEndpoint } from './fetch-answer.ts';
import { FEDERATION_LIMITS, FEDERATION_PATHS } from './protocol.ts';
import type { ReadUrlGuard } from './read-allow-list.ts';
import { parseReadUrl } from './read-url.ts';
import { histogramBodyOf, searchBodyOf } from './search-body.ts';

export interface RemoteStoreOptions {
  /** The agent's read address, such as http://10.0.3.7:4319 (scheme, host, port and a plain path prefix only). */
  url: string;
  /** The account's link token. */
  token: string;
  /** Which URLs may be read (and sent the token): checked before every request. */
  allowList: ReadUrlGuard;
  /** The member the agent was linked for: its answers belong to this account (RemoteStore). */
  account: Account;
  /** Each request, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Default 64 MB. */
  maxResponseBytes?: number;
}

/**
 * The HTTP client of an agent's federation routes: each read checked against its answer schema
 * and returned as the agent gave it, accounts included. Central reads members through
 * RemoteStore, which decides the account; this one is for peers trusted with theirs (and tests).
 */
export class FederationClient implements TraceReads {
  private readonly endpoint: AgentEndpoint;

  /** Throws when `options.url` is not a read URL (parseReadUrl). */
  constructor(options: RemoteStoreOptions) {
    const parsed = parseReadUrl(options.url);
    if ('error' in parsed) throw new Error(`url: ${parsed.error}`);
    this.endpoint = {
      url: parsed.url,
      token: options.token,
      allowList: options.allowList,
      accountId: options.account.id,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? FEDERATION_LIMITS.answerBytes,
    };
  }

  async getTrace(traceId: string): Promise<Span[]> {
    return (await this.getTraces([traceId])).get(traceId) ?? [];
  }

  /** The whole trace: the federation API has no outline (an agent's share of a trace is rarely huge). */
  async getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    return (await this.getTrace(traceId)).map(outlineOf);
  }

  async getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return withSpanIds(await this.getTrace(traceId), spanIds);
  }

  async getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    // An id that is not one has no spans anywhere: not worth a 400.
    const wanted = [...new Set(traceIds)].filter(isValidTraceId);
    const found = new Map<string, Span[]>();
    for (let i = 0; i < wanted.length; i += FEDERATION_LIMITS.traceIdsPerRequest) {
      const chunk = wanted.slice(i, i + FEDERATION_LIMITS.traceIdsPerRequest);
      const { traces } = await fetchAnswer(this.endpoint, FEDERATION_PATHS.traces, { traceIds: chunk }, tracesAnswer);
      // Only what was asked for: an agent cannot slip other traces in.
      for (const traceId of chunk) {
        const spans = Object.hasOwn(traces, traceId) ? traces[traceId]! : [];
        if (spans.length > 0) found.set(traceId, spans);
      }
    }
    return found;
  }

  async searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    const { traces } = await fetchAnswer(this.endpoint, FEDERATION_PATHS.search, searchBodyOf(query), searchAnswer);
    return traces.slice(0, query.limit);
  }

  async durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    return fetchAnswer(this.endpoint, FEDERATION_PATHS.histogram, histogramBodyOf(query), histogramAnswer);
  }

  async traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    const body = { start: String(startNanos), end: String(endNanos), limit: Math.min(limit, FEDERATION_LIMITS.traceIdsPerRequest) };
    // Only trace ids: anything else would be asked for by id and refused there.
    return (await fetchAnswer(this.endpoint, FEDERATION_PATHS.startedIn, body, startedInAnswer)).traceIds.filter(isValidTraceId);
  }

  async listServices(): Promise<ServiceSummary[]> {
    return (await fetchAnswer(this.endpoint, FEDERATION_PATHS.services, undefined, servicesAnswer)).services;
  }

  async listAccounts(): Promise<AccountSummary[]> {
    return (await fetchAnswer(this.endpoint, FEDERATION_PATHS.accounts, undefined, accountsAnswer)).accounts;
  }

  async readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    const query = new URLSearchParams({ startMs: String(Math.trunc(startMs)), endMs: String(Math.trunc(endMs)) });
    return (await fetchAnswer(this.endpoint, FEDERATION_PATHS.graph, undefined, graphAnswer, query)).records;
  }

  async stats(): Promise<StoreStats> {
    return fetchAnswer(this.endpoint, FEDERATION_PATHS.stats, undefined, statsAnswer);
  }
}
