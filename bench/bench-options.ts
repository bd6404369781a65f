import { parseArgs } from 'node:util';
import type { AgentSpec } from './agent-bench.ts';
import type { FederationSpec } from './federation-bench.ts';
import type { GoodputSpec } from './goodput-sweep.ts';
import type { SdkHopSpec } from './sdk-hop-bench.ts';
import type { StoreCompareSpec } from './store-compare.ts';
import type { TelemetrySpec } from './telemetry-bench.ts';
import type { PoolSpec } from './pool-spec.ts';
import { parseSpanCount } from './span-count.ts';

export const PHASES = ['ingest', 'grpc', 'query', 'agent', 'sdk', 'console', 'stores', 'federation', 'telemetry'] as const;
export type Phase = (typeof PHASES)[number];
/** 'stores' fills DuckDB and ClickHouse with 11M spans each (tens of minutes): only with --only stores. */
const DEFAULT_PHASES: Phase[] = PHASES.filter((phase) => phase !== 'stores');

/** The ingest phase's traffic: the production-shaped mix through five agents, or the checkout posted straight to central. */
export const INGEST_LOADS = ['mix', 'checkout'] as const;
export type IngestLoad = (typeof INGEST_LOADS)[number];

export interface IngestSpec {
  /** Absent in result files written before the mix (their load was the checkout). */
  load: IngestLoad;
  /** Seconds of single-thread decode timing (full decode, then protobuf parsing only). */
  decodeSeconds: number;
  warmupSeconds: number;
  seconds: number;
  /** Requests in flight at once, each on its own keep-alive connection. */
  concurrency: number;
  /**
   * The mix: spans per second offered to the agents in all, each account its share; 0, or absent
   * in files written before it: as fast as the agents answer.
   */
  offeredSpansPerSecond?: number;
  decodeWorkers: number;
  /** Fresh traces posted (spread over the measured window) to time ack-to-queryable. */
  freshnessSamples: number;
  /** 0: central stores in DuckDB; N: in ClickHouse, N shards started on loopback for the run. */
  clickhouseShards: number;
  /** After the closed-loop run: open-loop load at multiples of its rate (acknowledged vs offered). */
  goodput: GoodputSpec;
}

export interface QuerySpec {
  /** Store sizes (spans) at which query latency is measured. */
  storedSpans: number[];
  traceByIdSamples: number;
  searchSamples: number;
  /** Each diagnosis compares thousands of traces: fewer samples than a search. */
  diagnoseSamples: number;
  /** Ignore cached stores and fill again. */
  refill: boolean;
}

export interface BenchOptions {
  mode: 'quick' | 'full';
  phases: Phase[];
  pool: PoolSpec;
  ingest: IngestSpec;
  query: QuerySpec;
  agent: AgentSpec;
  sdk: SdkHopSpec;
  stores: StoreCompareSpec;
  federation: FederationSpec;
  telemetry: TelemetrySpec;
  /** Page loads of each console view measured. */
  consoleSamples: number;
}

export const USAGE = `npm run bench -- [options]

  --quick              a short run (about a minute): 100k stored spans, short ingest, one SDK round
  --only <phase>       ingest (decode-only rate + end-to-end ingest + freshness), grpc (OTLP/gRPC
                       against OTLP/HTTP on the same load, alternating rounds), query, agent
                       (forwarding rate against a raw baseline, memory, export -> queryable through
                       agent and central), or sdk
                       (an HTTP hop uninstrumented vs traced at 100 % and at default sampling), or console
                       (the web console in Chromium: the map's first paint, a 100,000-span waterfall),
                       or stores (DuckDB vs ClickHouse side by side: ingest, size, query latency;
                       not part of the default run: it fills both stores from empty at every size),
                       or federation (an hour of checkout traffic kept by five federated agents vs
                       stored at central in pipeline mode: trace by id, service map, search, each
                       answer checked against the other mode), or telemetry (counting at ingest
                       against the decode-only rate, span metrics over 7 days, a 30-day SLO, the
                       cost report over 30 days, OTLP logs in and logs of a trace / of slow requests)
  --load <l>           ingest phase's traffic: mix (default: checkout traces, database-heavy services,
                       third-party calls, messaging hops, a few 1,000-10,000-span traces, ids everywhere,
                       root spans up to 30 s late; five accounts, each through its own stitch agent
                       with gzip and idempotency keys) or checkout (the checkout traces, 6-20 spans,
                       posted straight to central)
  --spans <list>       store sizes for query latency, e.g. 1m,10m (default; quick: 100k)
  --seconds <n>        measured ingest seconds (default 60; quick 15)
  --concurrency <n>    concurrent POSTs (with --load mix: to each agent), and SDK hop requests in flight (default 8)
  --rate <n>           --load mix: spans/s offered to the agents in all (default 60000, the target; 0: as
                       fast as they answer, which leaves central only the cores the agents do not take)
  --hop-seconds <n>    measured seconds of each SDK hop run (default 5; quick 3)
  --batch <n>          spans per POST (default 512)
  --decode-workers <n> central's decode worker threads (default 2)
  --seed <n>           seed of the generated traces (default 1)
  --refill             fill the query stores again instead of reusing bench/.cache
  --store-sizes <list> stores phase: store sizes, e.g. 1m,10m,50m (default 1m,10m; quick: 200k)
  --clickhouse-shards <n> stores phase and --ingest-store clickhouse: ClickHouse servers, 2+ = a sharded cluster (default 1)
  --federation-traces <n> federation phase: checkout traces over the hour, ~17 spans each (default 30000; quick 3000)
  --telemetry-samples <n> telemetry phase: timed reads of each metrics, SLO, cost and slow-logs query (default 5)
  --ingest-store <s>   ingest phase: central's store, duckdb (default) or clickhouse (servers started on loopback)
  --goodput-seconds <n> ingest phase: seconds of each open-loop step at 0.5x, 1x, 1.5x, 2x and 3x the
                       closed-loop rate, no retries, 503s counted as shed (default 10; quick 4; 0: no sweep)
  --help`;

function positiveInteger(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: expected a whole number >= ${min}, got "${text}"`);
  return value;
}

export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      spans: { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      'hop-seconds': { type: 'string' },
      batch: { type: 'string' },
      'decode-workers': { type: 'string' },
      seed: { type: 'string' },
      refill: { type: 'boolean', default: false },
      'store-sizes': { type: 'string' },
      'clickhouse-shards': { type: 'string' },
      'ingest-store': { type: 'string' },
      'goodput-seconds': { type: 'string' },
      load: { type: 'string' },
      'federation-traces': { type: 'string' },
      'telemetry-samples': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;

  let phases: Phase[] = [...DEFAULT_PHASES];
  if (values.only !== undefined) {
    if (!(PHASES as readonly string[]).includes(values.only)) throw new Error(`--only: expected one of ${PHASES.join(', ')}, got "${values.only}"`);
    phases = [values.only as Phase];
  }

  return {
    mode: quick ? 'quick' : 'full',
    phases,
    pool: {
      seed: positiveInteger('seed', values.seed, 1, 0),
      // Quick keeps generation to ~2 s; full makes 10M spans of 100 rounds, each in its own 36 s of the hour.
      spans: quick ? 50_000 : 100_000,
      spansPerRequest: positiveInteger('batch', values.batch, 512),
      anchorMs: Date.UTC(2025, 10, 24, 16, 0, 0),
    },
    ingest: {
      load: ingestLoad(values.load),
      decodeSeconds: quick ? 3 : 8,
      warmupSeconds: quick ? 3 : 5,
      seconds: positiveInteger('seconds', values.seconds, quick ? 15 : 60),
      concurrency: positiveInteger('concurrency', values.concurrency, 8),
      offeredSpansPerSecond: positiveInteger('rate', values.rate, 60_000, 0),
      decodeWorkers: positiveInteger('decode-workers', values['decode-workers'], 2, 0),
      freshnessSamples: quick ? 30 : 60,
      clickhouseShards: ingestStore(values['ingest-store']) === 'clickhouse' ? positiveInteger('clickhouse-shards', values['clickhouse-shards'], 1) : 0,
      goodput: goodputSpec(positiveInteger('goodput-seconds', values['goodput-seconds'], quick ? 4 : 10, 0)),
    },
    query: {
      // Ascending: the table and result files go from the smallest store to the largest.
      storedSpans: (values.spans !== undefined ? values.spans.split(',').map(parseSpanCount) : quick ? [100_000] : [1_000_000, 10_000_000]).sort((a, b) => a - b),
      traceByIdSamples: 200,
      searchSamples: 30,
      diagnoseSamples: quick ? 5 : 10,
      refill: values.refill === true,
    },
    agent: {
      warmupSeconds: quick ? 2 : 5,
      seconds: quick ? 8 : 30,
      concurrency: positiveInteger('concurrency', values.concurrency, 8),
      // Under what central stores on this machine, so the figure is delay, not backlog.
      freshnessLoadSpansPerSecond: 5_000,
      freshnessSeconds: quick ? 8 : 30,
      freshnessSamples: quick ? 40 : 150,
    },
    consoleSamples: quick ? 5 : 20,
    sdk: {
      // Three rounds of the three variants, interleaved: the median is a run's, not an outlier's.
      rounds: quick ? 1 : 3,
      warmupSeconds: quick ? 1 : 2,
      seconds: positiveInteger('hop-seconds', values['hop-seconds'], quick ? 3 : 5),
      concurrency: positiveInteger('concurrency', values.concurrency, 8),
    },
    stores: {
      sizes: (values['store-sizes'] !== undefined ? values['store-sizes'].split(',').map(parseSpanCount) : quick ? [200_000] : [1_000_000, 10_000_000]).sort((a, b) => a - b),
      shards: positiveInteger('clickhouse-shards', values['clickhouse-shards'], 1),
      // store-fill.ts's batch (central's largest group commit), and 4 in flight for ClickHouse to group.
      batchSpans: 50_000,
      writers: 4,
      traceByIdSamples: quick ? 50 : 200,
      querySamples: quick ? 10 : 30,
      // A scan over 50M spans can take seconds: cap each query's time, keeping at least 5 samples.
      queryBudgetMs: 15_000,
    },
    federation: {
      // Six ten-minute blocks make the hour; 1 in 100 traces has a 9 s Stripe call.
      traces: positiveInteger('federation-traces', values['federation-traces'], quick ? 3_000 : 30_000, 60),
      seed: positiveInteger('seed', values.seed, 1, 0),
      traceByIdSamples: quick ? 100 : 300,
      // Enough maps for p99 to be more than the one slowest answer: each takes some 100 ms.
      mapSamples: quick ? 20 : 100,
      searchSamples: quick ? 10 : 20,
      decodeWorkers: positiveInteger('decode-workers', values['decode-workers'], 2, 0),
    },
    telemetry: {
      ingest: {
        decodeSeconds: quick ? 3 : 8,
        countingSeconds: quick ? 3 : 8,
        warmupSeconds: quick ? 3 : 5,
        seconds: quick ? 10 : 30,
        concurrency: positiveInteger('concurrency', values.concurrency, 8),
        decodeWorkers: positiveInteger('decode-workers', values['decode-workers'], 2, 0),
      },
      queries: {
        // 30 series a minute for 7 days: 302,400 records (quick: 1 day: the fill upserts 1,000-4,000 records/s on a
        // busy machine); usage as a meter flushing every 5 min (quick) or every minute.
        metricDays: quick ? 1 : 7,
        usageDays: 30,
        usageFlushesPerDay: quick ? 288 : 1_440,
        // 20,000 traces of 3 spans in the hour, 5 log lines each (quick: 5,000).
        logTraces: quick ? 5_000 : 20_000,
        // A 7-day metrics read took ~27 s here (bench/results/telemetry.json): 5 keep the default run within minutes.
        samples: positiveInteger('telemetry-samples', values['telemetry-samples'], 5),
        traceLookups: quick ? 50 : 200,
        logsPerPost: 1_000,
        concurrency: 4,
        decodeWorkers: positiveInteger('decode-workers', values['decode-workers'], 2, 0),
        seed: positiveInteger('seed', values.seed, 1, 0),
      },
    },
  };
}

/** Enough in flight for 3x the rate at seconds of latency; a step's seconds: 0 turns the sweep off. */
function goodputSpec(stepSeconds: number): GoodputSpec {
  return { multiples: stepSeconds > 0 ? [0.5, 1, 1.5, 2, 3] : [], stepSeconds, maxInFlight: 256 };
}

function ingestLoad(value: string | undefined): IngestLoad {
  if (value === undefined) return 'mix';
  if ((INGEST_LOADS as readonly string[]).includes(value)) return value as IngestLoad;
  throw new Error(`--load: expected ${INGEST_LOADS.join(' or ')}, got "${value}"`);
}

function ingestStore(value: string | undefined): 'duckdb' | 'clickhouse' {
  if (value === undefined || value === 'duckdb' || value === 'clickhouse') return value ?? 'duckdb';
  throw new Error(`--ingest-store: expected duckdb or clickhouse, got "${value}"`);
}
