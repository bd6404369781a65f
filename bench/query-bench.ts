import type { MetricsQueryJson } from '@stitch/api';
import { parseFilter } from '@stitch/query';
import type { QuerySpec } from './bench-options.ts';
import { poolWindowMs, type PoolSpec } from './pool-spec.ts';
import { startCentralProcess } from './central-process.ts';
import { measureDiagnose, type DiagnoseResult } from './diagnose-bench.ts';
import { HttpClient } from './http-client.ts';
import { round2, summarizeLatencies, type LatencySummary } from './latency-stats.ts';
import { Rng, traceIdInRound, type PayloadPool } from './otlp-load.ts';
import { peakRssBytes, settledSeconds } from './proc-stats.ts';
import { expectedMatches, poolTraces, type ExpectedMatches } from './reference-matches.ts';
import { measureSearch, type SearchResult } from './search-bench.ts';
import { annotatedOrderId, filterSearchCases, searchCases, type SearchCase } from './search-cases.ts';
import type { FilledStore } from './store-fill.ts';
import { timeGets, type TimedSamples } from './timed-gets.ts';

/** A page, as the console asks for one. */
const SEARCH_LIMIT = 20;
/** The slow traces to explain: Stripe's slow tail, about 0.5% of the traces (some 4,000 in the hour at 10M spans). */
const SLOW_TRACES = 'duration > 8';
/** The target is for 1,000 traces; 200 is the API's default. */
const DIAGNOSE_LIMITS = [1_000, 200];

export interface TraceByIdResult {
  latencyMs: LatencySummary | null;
  /** The first lookup, on a central that had answered nothing yet. */
  firstMs: number;
  /** Lookups not answered 200 with exactly the trace's spans. */
  wrongAnswers: number;
}

/** A metrics query over the hour's spans (GET /api/metrics/query_range), timed. */
export interface MetricsQueryResult extends TimedSamples {
  name: string;
  query: string;
  /** Series in the last answer. */
  series: number;
}

/** The issue's: latency quantiles by service over the hour (target < 1 s), and a rate of errors by operation. */
const METRICS_QUERIES = ['{ } | quantile_over_time(duration, .5, .99) by (resource.service.name)', '{ status = error } | rate() by (resource.service.name, span:name)'];

export interface QueryResult {
  storedSpans: number;
  traceById: TraceByIdResult;
  searches: SearchResult[];
  diagnoses: DiagnoseResult[];
  /** Absent in files written before metrics queries were measured. */
  metricsQueries?: MetricsQueryResult[];
  centralPeakRssBytes: number;
  /**
   * Seconds central was busy after it started (counting the filled store's figures, which the
   * in-process fill does not): queries are timed after it settles. Null: still busy at the
   * limit; absent in files written before it was measured.
   */
  startupSeconds?: number | null;
}

/** Known trace ids, drawn at random from the payload slots written to the store, with their span counts. */
function sampleStoredTraces(pool: PayloadPool, filled: FilledStore, count: number, rng: Rng): Array<{ traceId: string; spanCount: number }> {
  return Array.from({ length: count }, () => {
    const slot = rng.int(0, filled.slotsWritten - 1);
    const payload = pool.payloads[slot % pool.payloads.length]!;
    const trace = rng.pick(payload.traces);
    return { traceId: traceIdInRound(trace.traceId, Math.floor(slot / pool.payloads.length)), spanCount: trace.spanCount };
  });
}

async function measureTraceById(client: HttpClient, traces: Array<{ traceId: string; spanCount: number }>): Promise<TraceByIdResult> {
  const latencies: number[] = [];
  let wrongAnswers = 0;
  for (const trace of traces) {
    const answer = await client.getJson<{ spans: unknown[] }>(`/api/traces/${trace.traceId}`);
    latencies.push(answer.ms);
    if (answer.status !== 200 || answer.json?.spans.length !== trace.spanCount) wrongAnswers++;
  }
  return { latencyMs: summarizeLatencies(latencies), firstMs: round2(latencies[0] ?? NaN), wrongAnswers };
}

/** Every search case with what the store must answer to it. */
function checkedSearches(expectedOf: (expression: string | null) => ExpectedMatches, orderId: string): Array<{ search: SearchCase; expected: ExpectedMatches }> {
  return [...searchCases(), ...filterSearchCases(orderId)].map((search) => ({ search, expected: expectedOf(search.equivalent) }));
}

/** Idle: under a tenth of a core over half a second. */
const STARTUP_SETTLE = { idleCores: 0.1, stepMs: 500, limitMs: 300_000 };

/** Starts `stitch central` on a filled store and times its query API, one request at a time. */
export async function runQueryBench(pool: PayloadPool, filled: FilledStore, poolSpec: PoolSpec, spec: QuerySpec, decodeWorkers: number): Promise<QueryResult> {
  // The reference answers are worked out before central starts, so they cost it nothing.
  const traces = poolTraces(pool);
  const expectedOf = (expression: string | null) => expectedMatches(traces, expression === null ? null : parseFilter(expression), filled.slotsWritten, filled.layout);
  const searchList = checkedSearches(expectedOf, annotatedOrderId(traces));
  const storedTraces = expectedOf(null).total;
  const slowTraces = expectedOf(SLOW_TRACES).total;

  const central = await startCentralProcess({ dataDir: filled.dir, decodeWorkers });
  const client = new HttpClient(central.url, 1);
  try {
    const startupSeconds = await settledSeconds(central.pid, STARTUP_SETTLE);
    const rng = new Rng(poolSpec.seed + filled.storedSpans);
    const traceById = await measureTraceById(client, sampleStoredTraces(pool, filled, spec.traceByIdSamples, rng));
    // Every stored trace starts in the hour the rounds are laid out over: the window a one-hour search covers.
    const window = { ...poolWindowMs(poolSpec), limit: SEARCH_LIMIT };
    const searches: SearchResult[] = [];
    for (const { search, expected } of searchList) searches.push(await measureSearch(client, search, expected, window, spec.searchSamples));
    const diagnoses: DiagnoseResult[] = [];
    for (const limit of DIAGNOSE_LIMITS) {
      const expected = { matches: Math.min(limit, slowTraces), baseline: Math.min(limit, storedTraces - slowTraces) };
      diagnoses.push(await measureDiagnose(client, SLOW_TRACES, { ...window, limit }, expected, spec.diagnoseSamples));
    }
    const metricsQueries: MetricsQueryResult[] = [];
    for (const q of METRICS_QUERIES) {
      const path = `/api/metrics/query_range?${new URLSearchParams({ q, start: String(window.startMs), end: String(window.endMs) })}`;
      const { last, ...timed } = await timeGets<MetricsQueryJson>(client, path, spec.searchSamples, (status, json) =>
        status !== 200 ? `HTTP ${status}` : !json || json.series.length === 0 ? 'no series' : null,
      );
      metricsQueries.push({ name: q, query: path, series: last?.series.length ?? 0, ...timed });
    }
    return { storedSpans: filled.storedSpans, traceById, searches, diagnoses, metricsQueries, centralPeakRssBytes: peakRssBytes(central.pid), startupSeconds };
  } finally {
    client.close();
    const code = await central.stop();
    if (code !== 0) console.error(`warning: central exited with code ${code}:\n${central.output()}`);
  }
}
