import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatBatches, nanos, type SpanBatch } from '@stitch/model';
import { parseFilter } from '@stitch/query';
import type { TraceQuery, TraceStore } from '@stitch/store';
import { openClickHouseStore } from '@stitch/store-clickhouse';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { startClickHouse } from '@stitch/test-support/clickhouse';
import { poolWindowMs, type PoolSpec } from './pool-spec.ts';
import { spanCountLabel } from './span-count.ts';
import { dirSizeBytes } from './dir-size.ts';
import { onExit } from './exit-cleanup.ts';
import { round2, summarizeLatencies, type LatencySummary } from './latency-stats.ts';
import { Rng, traceIdInRound, type PayloadPool } from './otlp-load.ts';
import { settledClickHouseSize } from './clickhouse-size.ts';
import { cpuSeconds, peakRssBytes } from './proc-stats.ts';
import { expectedMatches, poolTraces, type ExpectedMatches } from './reference-matches.ts';
import { annotatedOrderId, filterSearchCases, searchCases, type SearchCase } from './search-cases.ts';
import { BatchSource, decodedPool, fillLayout } from './store-fill.ts';
import type { PoolBatch, RoundLayout } from './span-rekey.ts';

// The same ingest and queries on both backends, in-process through the TraceStore port (no HTTP,
// no central): the DuckDB file and ClickHouse servers (@stitch/test-support/clickhouse) on disk. Both get
// the spans store-fill.ts would write (the pool re-keyed round after round into the hour, in the
// same batches), and the same trace ids, searches and histogram. Every answer is checked against
// the reference (reference-matches.ts) and against the other backend, so the two measure the same work.

const WORK_DIR = fileURLToPath(new URL('./.cache/', import.meta.url)); // ignored from inside (store-fill.ts)
/** A page, as the console asks for one. */
const SEARCH_LIMIT = 20;
/** The filtered case whose duration histogram is timed: a broad one, so every matching trace is measured. */
const HISTOGRAM_CASE = 'last hour, service=payments';
const PROGRESS_EVERY_MS = 10_000;

export interface StoreCompareSpec {
  /** Stored spans per run, ascending. */
  sizes: number[];
  /** ClickHouse shards: 1 = one server, more = the harness's cluster on this machine. */
  shards: number;
  /** Spans per writeBatch, both backends (store-fill.ts's 50,000: central's largest group commit). */
  batchSpans: number;
  /** writeBatch calls in flight during the second half of the ingest (the first half has one). */
  writers: number;
  traceByIdSamples: number;
  /** Samples of every other query, unless `queryBudgetMs` runs out first (then at least 5). */
  querySamples: number;
  queryBudgetMs: number;
}

export type Backend = 'duckdb' | 'clickhouse';

export interface IngestRate {
  writersInFlight: number;
  spans: number;
  seconds: number;
  spansPerSecond: number;
}

export interface QueryTiming {
  name: string;
  latencyMs: LatencySummary | null;
  /** The first sample (part of latencyMs too): on a store just opened. */
  firstMs: number;
}

export interface BackendRun {
  backend: Backend;
  ingest: {
    sequential: IngestRate;
    concurrent: IngestRate;
    spansPerSecond: number;
    /** CPU seconds of this process (DuckDB runs in it) and of the ClickHouse servers, over the ingest's wall seconds. */
    coresBusy: number;
  };
  /** DuckDB: the file after close. ClickHouse: the active parts (system.parts) once merges settled. */
  bytesOnDisk: number;
  /** ClickHouse: every file of the data directories (outdated parts linger 8 minutes after a merge). */
  dataDirBytes: number | null;
  activeParts: number | null;
  /** Sum over the clickhouse-server processes of VmHWM: ingest, then ingest and queries. */
  serverPeakRssBytes: { afterIngest: number; afterQueries: number } | null;
  queries: QueryTiming[];
}

export interface StoreSizeResult {
  targetSpans: number;
  storedSpans: number;
  slotsWritten: number;
  layout: RoundLayout;
  runs: BackendRun[];
  /** Answers that differed from the reference or between the backends (the phase fails when any). */
  mismatches: string[];
}

/** Writes the source's batches up to `untilSpans` with `writers` writeBatch calls in flight. */
async function writeStage(store: TraceStore, source: BatchSource, untilSpans: number, writers: number, log: (spans: number) => void): Promise<IngestRate> {
  const before = source.spans;
  const started = performance.now();
  const writer = async () => {
    for (let batch = source.next(untilSpans); batch !== null; batch = source.next(untilSpans)) {
      await store.writeBatch(batch);
      log(source.spans);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const seconds = (performance.now() - started) / 1_000;
  const spans = source.spans - before;
  return { writersInFlight: writers, spans, seconds: round2(seconds), spansPerSecond: Math.round(spans / seconds) };
}

/** A query to time, with what its answer must be (null: right) and a fingerprint the other backend's answer must equal. */
interface QueryCase {
  name: string;
  /** `sample`: 0, 1, 2… on each backend. */
  run: (store: TraceStore, sample: number) => Promise<unknown>;
  check: (answer: unknown) => string | null;
  fingerprint: (answer: unknown) => string;
}

/** "8s", "250ms": the minDuration values the search cases use (central parses the full syntax). */
function durationNanos(text: string): bigint {
  const match = /^(\d+)(ms|s)$/.exec(text);
  if (!match) throw new Error(`search case duration "${text}": only <n>s and <n>ms are understood here`);
  return BigInt(match[1]!) * (match[2] === 's' ? 1_000_000_000n : 1_000_000n);
}

/** A search case's GET parameters as the TraceQuery central's query routes make of them. */
function traceQueryOf(search: SearchCase, window: { startMs: number; endMs: number }): TraceQuery {
  const query: TraceQuery = { startNanos: nanos(BigInt(window.startMs) * 1_000_000n), endNanos: nanos(BigInt(window.endMs) * 1_000_000n), limit: SEARCH_LIMIT };
  for (const [key, value] of Object.entries(search.params)) {
    if (key === 'service') query.serviceName = value;
    else if (key === 'minDuration') query.minDurationNanos = nanos(durationNanos(value));
    else if (key === 'q') query.filter = parseFilter(value);
    else throw new Error(`search case "${search.name}": parameter ${key} is not mapped to a TraceQuery`);
  }
  return query;
}

type Summaries = Array<{ traceId: string; startTimeUnixNano: bigint }>;
const ids = (answer: unknown) => (answer as Summaries).map((trace) => trace.traceId).join(',');
const json = (answer: unknown) => JSON.stringify(answer, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

function queryCases(pool: PayloadPool, poolSpec: PoolSpec, spec: StoreCompareSpec, size: { storedSpans: number; slotsWritten: number; layout: RoundLayout }): QueryCase[] {
  const traces = poolTraces(pool);
  const expectedOf = (expression: string | null): ExpectedMatches => expectedMatches(traces, expression === null ? null : parseFilter(expression), size.slotsWritten, size.layout);
  const window = poolWindowMs(poolSpec);

  // Random stored traces (a slot written, one of its payload's traces, in that slot's round), the same for both backends.
  const rng = new Rng(poolSpec.seed + size.storedSpans);
  const lookups = Array.from({ length: spec.traceByIdSamples }, () => {
    const slot = rng.int(0, size.slotsWritten - 1);
    const trace = rng.pick(pool.payloads[slot % pool.payloads.length]!.traces);
    return { traceId: traceIdInRound(trace.traceId, Math.floor(slot / pool.payloads.length)), spanCount: trace.spanCount };
  });
  const traceById: QueryCase = {
    name: 'trace by id',
    // Each sample the next id, so the samples are different traces across the whole window.
    run: async (store, sample) => {
      const wanted = lookups[sample % lookups.length]!;
      const spans = await store.getTrace(wanted.traceId);
      return spans.length === wanted.spanCount ? null : `${wanted.traceId}: ${spans.length} spans, not ${wanted.spanCount}`;
    },
    check: (answer) => answer as string | null,
    fingerprint: () => '',
  };

  const searches = [...searchCases(), ...filterSearchCases(annotatedOrderId(traces))];
  const searchCasesTimed = searches.map((search): QueryCase => {
    const expected = expectedOf(search.equivalent);
    const newest = expected
      .newest(SEARCH_LIMIT)
      .map((trace) => trace.traceId)
      .join(',');
    return {
      name: `search ${search.name}`,
      run: (store) => store.searchTraces(traceQueryOf(search, window)),
      check: (answer) => (ids(answer) === newest ? null : `page [${ids(answer).slice(0, 80)}…], reference [${newest.slice(0, 80)}…]`),
      fingerprint: ids,
    };
  });

  const histogramSearch = searches.find((search) => search.name === HISTOGRAM_CASE)!;
  const histogramTotal = expectedOf(histogramSearch.equivalent).total;
  const { limit: _limit, ...histogramQuery } = traceQueryOf(histogramSearch, window);
  const histogram: QueryCase = {
    name: `histogram ${HISTOGRAM_CASE.replace('last hour, ', '')}`,
    run: (store) => store.durationHistogram(histogramQuery),
    check: (answer) => ((answer as { total: number }).total === histogramTotal ? null : `total ${(answer as { total: number }).total}, reference ${histogramTotal}`),
    fingerprint: json,
  };

  const storedTraces = expectedOf(null).total;
  return [
    traceById,
    ...searchCasesTimed,
    histogram,
    { name: 'listServices', run: (store) => store.listServices(), check: () => null, fingerprint: json },
    {
      name: 'stats',
      run: (store) => store.stats(),
      check: (answer) => {
        const { spanCount, traceCount } = answer as { spanCount: number; traceCount: number };
        return spanCount === size.storedSpans && traceCount === storedTraces ? null : `${spanCount} spans / ${traceCount} traces, wrote ${size.storedSpans} / ${storedTraces}`;
      },
      fingerprint: json,
    },
  ];
}

/** Runs each case `samples` times one at a time (fewer when the budget runs out); problems and fingerprints by case. */
async function timeQueries(store: TraceStore, cases: QueryCase[], spec: StoreCompareSpec) {
  const timings: QueryTiming[] = [];
  const fingerprints = new Map<string, string>();
  const problems: string[] = [];
  for (const query of cases) {
    const samples = query.name === 'trace by id' ? spec.traceByIdSamples : spec.querySamples;
    const latencies: number[] = [];
    const started = performance.now();
    while (latencies.length < samples && (latencies.length < 5 || performance.now() - started < spec.queryBudgetMs)) {
      const t0 = performance.now();
      const answer = await query.run(store, latencies.length);
      latencies.push(performance.now() - t0);
      const problem = query.check(answer);
      if (problem !== null) problems.push(`${query.name}: ${problem}`);
      if (latencies.length === 1) fingerprints.set(query.name, query.fingerprint(answer));
    }
    timings.push({ name: query.name, latencyMs: summarizeLatencies(latencies), firstMs: round2(latencies[0]!) });
  }
  return { timings, fingerprints, problems };
}

interface Opened {
  open: () => Promise<TraceStore>;
  /** After the ingest and close: bytes, parts, and whatever must be read from the servers. */
  measure: () => Promise<Pick<BackendRun, 'bytesOnDisk' | 'dataDirBytes' | 'activeParts'>>;
  serverPids: number[];
  stop: () => Promise<void>;
}

async function prepareBackend(backend: Backend, dir: string, shards: number): Promise<Opened> {
  if (backend === 'duckdb') {
    const path = join(dir, 'stitch.duckdb');
    return {
      open: () => openDuckDbStore({ path }),
      measure: async () => ({ bytesOnDisk: dirSizeBytes(dir), dataDirBytes: null, activeParts: null }),
      serverPids: [],
      stop: async () => {},
    };
  }
  const servers = await startClickHouse({ shards, dir });
  return {
    open: () => openClickHouseStore({ urls: servers.urls, ...(servers.cluster ? { cluster: servers.cluster } : {}) }),
    measure: async () => {
      const { activeParts, bytesOnDisk } = await settledClickHouseSize(servers, 'stitch');
      const dataDirBytes = servers.urls.reduce((sum, _url, i) => sum + dirSizeBytes(join(servers.dir, `shard-${i}`, 'data')), 0);
      return { bytesOnDisk, dataDirBytes, activeParts };
    },
    serverPids: servers.pids,
    stop: () => servers.stop(),
  };
}

const sumOf = (pids: number[], of: (pid: number) => number) => pids.reduce((sum, pid) => sum + of(pid), 0);

async function runBackend(
  backend: Backend,
  decoded: PoolBatch[],
  layout: RoundLayout,
  targetSpans: number,
  cases: QueryCase[],
  spec: StoreCompareSpec,
  progress: (message: string) => void,
) {
  mkdirSync(WORK_DIR, { recursive: true });
  const dir = mkdtempSync(join(WORK_DIR, `store-compare-${backend}-`));
  const forgetDir = onExit(() => rmSync(dir, { recursive: true, force: true }));
  const label = `${backend} ${spanCountLabel(targetSpans)}`;
  const backendOf = await prepareBackend(backend, dir, spec.shards);
  try {
    const source = new BatchSource(decoded, layout, targetSpans, spec.batchSpans);
    let reportAt = performance.now() + PROGRESS_EVERY_MS;
    const log = (spans: number) => {
      if (performance.now() < reportAt) return;
      reportAt += PROGRESS_EVERY_MS;
      progress(`  ${label}: ${spans.toLocaleString('en-US')} / ${targetSpans.toLocaleString('en-US')} spans written`);
    };
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = sumOf(backendOf.serverPids, cpuSeconds);
    const store = await backendOf.open();
    // Halves: one writer, then several in flight (ClickHouse groups concurrent writes into one insert; DuckDB writes on several connections).
    const sequential = await writeStage(store, source, Math.ceil(targetSpans / 2), 1, log);
    const concurrent = await writeStage(store, source, Infinity, spec.writers, log);
    await store.close();
    const ingestSeconds = sequential.seconds + concurrent.seconds;
    const cpu = process.cpuUsage(cpuBefore);
    const cores = (cpu.user + cpu.system) / 1e6 + sumOf(backendOf.serverPids, cpuSeconds) - serverCpuBefore;
    const rssAfterIngest = sumOf(backendOf.serverPids, peakRssBytes);
    progress(`  ${label}: ingest ${Math.round(source.spans / ingestSeconds).toLocaleString('en-US')} spans/s; measuring the size, then ${cases.length} queries`);
    const sizes = await backendOf.measure();

    const reopened = await backendOf.open();
    let timed: Awaited<ReturnType<typeof timeQueries>>;
    try {
      timed = await timeQueries(reopened, cases, spec);
    } finally {
      await reopened.close();
    }
    const run: BackendRun = {
      backend,
      ingest: { sequential, concurrent, spansPerSecond: Math.round(source.spans / ingestSeconds), coresBusy: round2(cores / ingestSeconds) },
      ...sizes,
      serverPeakRssBytes: backend === 'clickhouse' ? { afterIngest: rssAfterIngest, afterQueries: sumOf(backendOf.serverPids, peakRssBytes) } : null,
      queries: timed.timings,
    };
    return { run, storedSpans: source.spans, slotsWritten: source.slot, fingerprints: timed.fingerprints, problems: timed.problems };
  } finally {
    await backendOf.stop();
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
}

/** For every size, fills a DuckDB file and ClickHouse from empty with the same spans, then times the same queries on both. */
export async function runStoreCompare(pool: PayloadPool, poolSpec: PoolSpec, spec: StoreCompareSpec, progress: (message: string) => void): Promise<StoreSizeResult[]> {
  // Decoded once; every round reuses the columns with new trace ids and times (as store-fill.ts).
  const decoded = decodedPool(pool);
  const results: StoreSizeResult[] = [];
  for (const targetSpans of spec.sizes) {
    const layout = fillLayout(pool, poolSpec, targetSpans);
    // Known before writing (whole payloads until the target), so the reference answers are too.
    const written = spansOfSlots(decoded, targetSpans);
    const cases = queryCases(pool, poolSpec, spec, { storedSpans: written.spans, slotsWritten: written.slots, layout });
    const runs: BackendRun[] = [];
    const mismatches: string[] = [];
    const fingerprintsOf = new Map<Backend, Map<string, string>>();
    for (const backend of ['duckdb', 'clickhouse'] as const) {
      progress(`stores ${spanCountLabel(targetSpans)}: ${backend}${backend === 'clickhouse' ? ` (${spec.shards} shard${spec.shards > 1 ? 's' : ''})` : ''}, writing ${targetSpans.toLocaleString('en-US')} spans in batches of ${spec.batchSpans.toLocaleString('en-US')}`);
      const done = await runBackend(backend, decoded, layout, targetSpans, cases, spec, progress);
      runs.push(done.run);
      if (done.storedSpans !== written.spans || done.slotsWritten !== written.slots) mismatches.push(`${backend}: wrote ${done.storedSpans} spans in ${done.slotsWritten} slots, planned ${written.spans} in ${written.slots}`);
      fingerprintsOf.set(backend, done.fingerprints);
      mismatches.push(...done.problems.map((problem) => `${backend}: ${problem}`));
    }
    for (const [name, duck] of fingerprintsOf.get('duckdb')!) {
      if (fingerprintsOf.get('clickhouse')!.get(name) !== duck) mismatches.push(`${name}: DuckDB and ClickHouse answered differently`);
    }
    results.push({ targetSpans, storedSpans: written.spans, slotsWritten: written.slots, layout, runs, mismatches });
  }
  return results;
}

/** Spans and slots a fill of `targetSpans` writes: whole payloads until the target is reached. */
function spansOfSlots(decoded: PoolBatch[], targetSpans: number): { spans: number; slots: number } {
  let spans = 0;
  let slots = 0;
  while (spans < targetSpans) spans += decoded[slots++ % decoded.length]!.batch.length;
  return { spans, slots };
}
