// `npm run bench [-- --quick]`: ingest throughput (a production-shaped mix through five agents,
// or `--load checkout`) against the decode-only limit, freshness,
// query latency at millions of stored spans, the agent's forwarding rate and export-to-queryable
// delay, what the SDK costs an HTTP hop, federated mode against pipeline mode, and the cost and
// read latency of span metrics, SLOs, the cost profile and logs (telemetry). Prints tables;
// writes bench/results/*.json.
import { relative } from 'node:path';
import { parseBenchOptions, USAGE, type BenchOptions } from './bench-options.ts';
import { poolWindowMs } from './pool-spec.ts';
import { spanCountLabel } from './span-count.ts';
import { runAgentBench } from './agent-bench.ts';
import { runConsoleBench } from './console-bench.ts';
import { buildAgentReport, buildConsoleReport, buildIngestReport, buildQueryReport, buildSdkHopReport } from './bench-report.ts';
import { measureDecodeRates } from './decode-rate.ts';
import { runFederationBench } from './federation-bench.ts';
import { buildFederationReport, federationSections } from './federation-report.ts';
import { grpcIngestSections, runGrpcIngestBench } from './grpc-ingest-bench.ts';
import { runIngestBench } from './ingest-bench.ts';
import { runMixIngestBench } from './mix-ingest-bench.ts';
import { buildMixPool, DEFAULT_LARGE_TRACE_EVERY_SPANS, type MixPool } from './mix-pool.ts';
import { machineInfo } from './machine-info.ts';
import { buildPayloadPool, type PayloadPool } from './otlp-load.ts';
import { runQueryBench } from './query-bench.ts';
import { agentSections, consoleSections, ingestSections, printSections, querySections, sdkHopSections } from './report-table.ts';
import { writeResultFile } from './result-files.ts';
import { runSdkHopBench } from './sdk-hop-bench.ts';
import { filledStore } from './store-fill.ts';
import { runStoreCompare } from './store-compare.ts';
import { buildStoresReport, storesSections } from './store-compare-report.ts';
import { runTelemetryBench } from './telemetry-bench.ts';
import { buildTelemetryReport, telemetrySections } from './telemetry-report.ts';
import { writeBenchReadme } from './write-bench-readme.ts';

const progress = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function header(name: string, options: BenchOptions) {
  return { name, mode: options.mode, createdAt: new Date().toISOString(), machine: machineInfo() };
}

/** Quick runs get their own files, so they never overwrite the figures of a full run. */
const fileName = (name: string, options: BenchOptions) => (options.mode === 'quick' ? `${name}-quick` : name);

/** The ingest phase's payloads: the checkout pool the other phases share, or the mix built for it. */
function ingestPool(checkout: () => PayloadPool, options: BenchOptions): PayloadPool | MixPool {
  if (options.ingest.load === 'checkout') return checkout();
  progress(`generating ${options.pool.spans.toLocaleString('en-US')} spans of the production-shaped mix (seed ${options.pool.seed})`);
  const mix = buildMixPool({ ...options.pool, largeTraceEverySpans: DEFAULT_LARGE_TRACE_EVERY_SPANS });
  progress(`mix: ${mix.payloads.length} requests over ${mix.streams.length} accounts, ${mix.traceCount.toLocaleString('en-US')} traces, ${Math.round(mix.byteCount / mix.spanCount)} bytes of OTLP per span`);
  return mix;
}

async function ingestPhase(pool: PayloadPool | MixPool, options: BenchOptions): Promise<string> {
  progress(`decode-only rate: ${options.ingest.decodeSeconds} s of decodeOtlpTraces, then of protobuf parsing alone`);
  const decodeOnly = measureDecodeRates(pool, options.ingest.decodeSeconds);
  const store = options.ingest.clickhouseShards > 0 ? `ClickHouse (${options.ingest.clickhouseShards} shards)` : 'DuckDB';
  progress(`end-to-end ingest (${options.ingest.load}): stitch central on an empty store (${store}), ${options.ingest.warmupSeconds} + ${options.ingest.seconds} s of load`);
  const ingest = 'streams' in pool ? await runMixIngestBench(pool, options.ingest, options.pool.seed, progress) : await runIngestBench(pool, options.ingest, options.pool.seed, poolWindowMs(options.pool), progress);
  // Each load's and each store's figures in their own file (the mix keeps the plain name: it is the default).
  const name = `ingest${options.ingest.load === 'checkout' ? '-checkout' : ''}${options.ingest.clickhouseShards > 0 ? `-clickhouse-${options.ingest.clickhouseShards}shard` : ''}`;
  const report = buildIngestReport(header(name, options), options, decodeOnly, ingest);
  printSections(ingestSections(report));
  return writeResultFile(fileName(name, options), report);
}

async function grpcPhase(pool: PayloadPool, options: BenchOptions): Promise<string> {
  const quick = options.mode === 'quick';
  const result = await runGrpcIngestBench(pool, { ...options.ingest, seconds: quick ? 10 : 20 }, quick ? 1 : 4, progress);
  const report = { ...header('grpc-ingest', options), ...result };
  printSections(grpcIngestSections(report));
  return writeResultFile(fileName('grpc-ingest', options), report);
}

async function queryPhase(pool: PayloadPool, options: BenchOptions, targetSpans: number): Promise<string> {
  const label = spanCountLabel(targetSpans);
  progress(`query latency at ${label} spans: filling the store (or reusing the cached one)`);
  const filled = await filledStore(pool, options.pool, targetSpans, options.query.refill);
  progress(`query latency at ${label} spans: ${options.query.traceByIdSamples} lookups by id, ${options.query.searchSamples} of each search`);
  const queries = await runQueryBench(pool, filled, options.pool, options.query, options.ingest.decodeWorkers);
  const report = buildQueryReport(header(`query-${label}`, options), options, targetSpans, filled, queries);
  printSections(querySections(report));
  // Named by size, not mode: a store of N spans answers the same in a quick run and a full one.
  return writeResultFile(`query-${label}`, report);
}

async function agentPhase(pool: PayloadPool, options: BenchOptions): Promise<string> {
  const result = await runAgentBench(pool, options.agent, options.pool.seed, progress);
  const report = buildAgentReport(header('agent', options), options, result);
  printSections(agentSections(report));
  return writeResultFile(fileName('agent', options), report);
}

async function sdkPhase(options: BenchOptions): Promise<string> {
  const { rounds, warmupSeconds, seconds, concurrency } = options.sdk;
  progress(`SDK hop: ${rounds} round(s) of uninstrumented, 100 % and default sampling, each ${warmupSeconds} + ${seconds} s with ${concurrency} requests in flight`);
  const hop = await runSdkHopBench(options.sdk, progress);
  const report = buildSdkHopReport(header('sdk-hop', options), options, hop);
  printSections(sdkHopSections(report));
  return writeResultFile(fileName('sdk-hop', options), report);
}

async function consolePhase(options: BenchOptions): Promise<string> {
  const result = await runConsoleBench(options.consoleSamples, progress);
  const report = buildConsoleReport(header('console', options), result);
  printSections(consoleSections(report));
  return writeResultFile(fileName('console', options), report);
}

async function storesPhase(pool: PayloadPool, options: BenchOptions): Promise<string> {
  const { sizes, shards } = options.stores;
  progress(`stores: DuckDB vs ClickHouse (${shards} shard(s)) at ${sizes.map(spanCountLabel).join(', ')} spans, each filled from empty`);
  const results = await runStoreCompare(pool, options.pool, options.stores, progress);
  const name = `stores-${shards}shard`;
  const report = buildStoresReport(header(name, options), options, results);
  printSections(storesSections(report));
  const written = writeResultFile(fileName(name, options), report);
  // Written first, so the figures of the wrong answers can be looked at.
  const wrong = results.flatMap((size) => size.mismatches.map((m) => `${spanCountLabel(size.targetSpans)}: ${m}`));
  if (wrong.length > 0) throw new Error(`stores: the backends' answers differ (${written}):\n  ${wrong.join('\n  ')}`);
  return written;
}

async function federationPhase(options: BenchOptions): Promise<string> {
  const result = await runFederationBench(options.federation, progress);
  const report = buildFederationReport(header('federation', options), options, result);
  printSections(federationSections(report));
  const written = writeResultFile(fileName('federation', options), report);
  // Written first, so the figures of the wrong answers can be looked at.
  if (result.mismatches.length > 0) throw new Error(`federation: wrong answers (${written}):\n  ${result.mismatches.join('\n  ')}`);
  return written;
}

async function telemetryPhase(pool: PayloadPool, options: BenchOptions): Promise<string> {
  const result = await runTelemetryBench(pool, options.telemetry, poolWindowMs(options.pool), progress);
  const report = buildTelemetryReport(header('telemetry', options), options, result);
  printSections(telemetrySections(report));
  const written = writeResultFile(fileName('telemetry', options), report);
  // Written first, so the figures of the wrong answers can be looked at.
  if (result.problems.length > 0) throw new Error(`telemetry: wrong answers (${written}):\n  ${result.problems.join('\n  ')}`);
  return written;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseBenchOptions>;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }

  const started = performance.now();
  progress(`${options.mode} run: ${options.phases.join(' + ')}`);
  const written: string[] = [];
  let checkoutPool: PayloadPool | null = null;
  // Built when a phase first needs it (an ingest of the mix alone does not).
  const pool = () => {
    if (checkoutPool) return checkoutPool;
    progress(`generating ${options.pool.spans.toLocaleString('en-US')} spans of checkout traces (seed ${options.pool.seed})`);
    checkoutPool = buildPayloadPool(options.pool);
    progress(`pool: ${checkoutPool.payloads.length} requests, ${checkoutPool.traceCount.toLocaleString('en-US')} traces, ${Math.round(checkoutPool.byteCount / checkoutPool.spanCount)} bytes of OTLP per span`);
    return checkoutPool;
  };
  if (options.phases.includes('ingest')) written.push(await ingestPhase(ingestPool(pool, options), options));
  if (options.phases.includes('grpc')) written.push(await grpcPhase(pool(), options));
  if (options.phases.includes('query')) {
    for (const targetSpans of options.query.storedSpans) written.push(await queryPhase(pool(), options, targetSpans));
  }
  if (options.phases.includes('agent')) written.push(await agentPhase(pool(), options));
  if (options.phases.includes('stores')) written.push(await storesPhase(pool(), options));
  if (options.phases.includes('telemetry')) written.push(await telemetryPhase(pool(), options));
  if (options.phases.includes('sdk')) written.push(await sdkPhase(options));
  if (options.phases.includes('console')) written.push(await consolePhase(options));
  if (options.phases.includes('federation')) written.push(await federationPhase(options));
  console.log(`\nwrote ${written.join(', ')} in ${Math.round((performance.now() - started) / 1_000)} s`);
  // bench/README.md's tables follow the files, so they never show figures no run measured.
  console.log(`updated ${relative(process.cwd(), writeBenchReadme())}`);
}

await main();
