import type { PoolSpec, QuerySpec } from './bench-options.ts';
import { startCentralProcess } from './central-process.ts';
import { HttpClient } from './http-client.ts';
import { summarizeLatencies, type LatencySummary } from './latency-stats.ts';
import { Rng, traceIdInRound, type PayloadPool } from './otlp-load.ts';
import { peakRssBytes } from './proc-stats.ts';
import type { FilledStore } from './store-fill.ts';

const HOUR_MS = 3_600_000;

export interface TraceByIdResult {
  latencyMs: LatencySummary | null;
  /** The first lookup, on a central that had answered nothing yet. */
  firstMs: number;
  /** Lookups not answered 200 with exactly the trace's spans. */
  wrongAnswers: number;
}

export interface SearchResult {
  name: string;
  query: string;
  latencyMs: LatencySummary | null;
  firstMs: number;
  /** Traces returned (the same every time: the data does not change). */
  tracesReturned: number;
  /** Answers not 200, or with a trace outside the window or not matching the filters. */
  wrongAnswers: number;
}

export interface QueryResult {
  storedSpans: number;
  traceById: TraceByIdResult;
  searches: SearchResult[];
  centralPeakRssBytes: number;
}

interface SearchCase {
  name: string;
  params: Record<string, string>;
  check: (trace: TraceSummaryJson) => boolean;
}

interface TraceSummaryJson {
  traceId: string;
  startTimeUnixNano: string;
  durationMs: number;
  services: string[];
}

/** The one-hour searches, from the broadest to the on-call one ("checkout, slower than 8 s") and one that matches nothing. */
function searchCases(): SearchCase[] {
  return [
    { name: 'last hour', params: {}, check: () => true },
    { name: 'last hour, service=payments', params: { service: 'payments' }, check: (t) => t.services.includes('payments') },
    {
      name: 'last hour, service=checkout-orchestrator, minDuration=8s',
      params: { service: 'checkout-orchestrator', minDuration: '8s' },
      check: (t) => t.services.includes('checkout-orchestrator') && t.durationMs >= 8_000,
    },
    // Nothing matches, so nothing stops the search early: every trace of the hour is looked at.
    { name: 'last hour, service matching nothing', params: { service: 'no-such-service' }, check: () => false },
  ];
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

async function measureSearch(client: HttpClient, search: SearchCase, window: { startMs: number; endMs: number }, samples: number): Promise<SearchResult> {
  const params = new URLSearchParams({ start: String(window.startMs), end: String(window.endMs), limit: '20', ...search.params });
  const path = `/api/traces?${params.toString()}`;
  const latencies: number[] = [];
  let wrongAnswers = 0;
  let tracesReturned = 0;
  const startNs = BigInt(window.startMs) * 1_000_000n;
  const endNs = BigInt(window.endMs) * 1_000_000n;
  for (let i = 0; i < samples; i++) {
    const answer = await client.getJson<{ traces: TraceSummaryJson[] }>(path);
    latencies.push(answer.ms);
    const traces = answer.json?.traces;
    if (answer.status !== 200 || !traces) {
      wrongAnswers++;
      continue;
    }
    tracesReturned = traces.length;
    const inWindow = (t: TraceSummaryJson) => BigInt(t.startTimeUnixNano) >= startNs && BigInt(t.startTimeUnixNano) < endNs;
    if (traces.length > 20 || !traces.every((t) => inWindow(t) && search.check(t))) wrongAnswers++;
  }
  return { name: search.name, query: path, latencyMs: summarizeLatencies(latencies), firstMs: round2(latencies[0] ?? NaN), tracesReturned, wrongAnswers };
}

/** Starts `stitch central` on a filled store and times its query API, one request at a time. */
export async function runQueryBench(pool: PayloadPool, filled: FilledStore, poolSpec: PoolSpec, spec: QuerySpec, decodeWorkers: number): Promise<QueryResult> {
  const central = await startCentralProcess({ dataDir: filled.dir, decodeWorkers });
  const client = new HttpClient(central.url, 1);
  try {
    const rng = new Rng(poolSpec.seed + filled.storedSpans);
    const traceById = await measureTraceById(client, sampleStoredTraces(pool, filled, spec.traceByIdSamples, rng));
    // Every generated trace starts in the hour before the anchor: the window a one-hour search covers.
    const window = { startMs: poolSpec.anchorMs - HOUR_MS, endMs: poolSpec.anchorMs };
    const searches: SearchResult[] = [];
    for (const search of searchCases()) searches.push(await measureSearch(client, search, window, spec.searchSamples));
    return { storedSpans: filled.storedSpans, traceById, searches, centralPeakRssBytes: peakRssBytes(central.pid) };
  } finally {
    client.close();
    const code = await central.stop();
    if (code !== 0) console.error(`warning: central exited with code ${code}:\n${central.output()}`);
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;
