import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEntrySpan, SpanMetricsAggregator } from '@stitch/metrics';
import type { SpanBatch } from '@stitch/model';
import { decodeOtlpTraces } from '@stitch/wire';
import { UsageMeter } from '@stitch/central/derive/usage-meter';
import { startCentralProcess } from './central-process.ts';
import { DIRECT_INGEST_ACCOUNT, measureDecodeRates, type DecodeRate } from './decode-rate.ts';
import { onExit } from './exit-cleanup.ts';
import { HttpClient } from './http-client.ts';
import { runIngestLoad, type LoadResult } from './ingest-load.ts';
import { round2 } from './latency-stats.ts';
import { payloadForRound, type PayloadPool } from './otlp-load.ts';
import { cpuSeconds, peakRssBytes } from './proc-stats.ts';
import { setTimeout as sleep } from 'node:timers/promises';

// What counting at ingest (span metrics and the usage meter, told of every stored batch) costs.
// Central has no switch to turn its listeners off, so the baseline is the ingest phase's: the
// decode-only rate of the same payloads, measured in this run. Beside it: the listeners alone,
// in-process on the decoded batches (as central calls them), and central end to end with them on,
// whose stored counts are checked against the spans acknowledged.

export interface TelemetryIngestSpec {
  decodeSeconds: number;
  /** Seconds of each in-process counting measurement. */
  countingSeconds: number;
  warmupSeconds: number;
  seconds: number;
  concurrency: number;
  decodeWorkers: number;
}

export interface CountingRate {
  spansPerSecond: number;
  /** Microseconds of one thread per 1,000 spans. */
  microsPer1000Spans: number;
}

export interface TelemetryIngestResult {
  decodeOnly: DecodeRate;
  /** SpanMetricsAggregator.addBatch alone, one thread. */
  aggregatorAlone: CountingRate;
  /** UsageMeter.ingested and .stored alone, one thread (a fresh meter). */
  usageAlone: CountingRate;
  /** What central runs per stored batch besides the map: SpanMetricsAggregator.addBatch, UsageMeter.stored and .ingested, one thread. */
  listeners: CountingRate;
  load: LoadResult;
  central: { coresUsed: number; peakRssBytes: number };
  /** Listener CPU / central's CPU under the load (listeners' rate against the end-to-end rate). */
  listenersShareOfCentralCpu: number | null;
  /** Checked after the load: span metrics and usage must count every acknowledged span. */
  checks: { metricRequests: { expected: number | null; actual: number | null }; usageSpans: { expected: number; actual: number | null }; problems: string[] };
}

/** Calls `work` in a loop for `seconds` (after a quarter of it, at most 1 s, of warm-up); spans counted by `work`'s return. */
function timeLoop(seconds: number, work: (i: number) => number): CountingRate {
  const warmUntil = performance.now() + Math.min(1_000, seconds * 250);
  for (let i = 0; performance.now() < warmUntil; i++) work(i);
  let spans = 0;
  const started = performance.now();
  const until = started + seconds * 1_000;
  for (let i = 0; performance.now() < until; i++) spans += work(i);
  const elapsed = (performance.now() - started) / 1_000;
  return { spansPerSecond: Math.round(spans / elapsed), microsPer1000Spans: round2(((elapsed * 1e6) / spans) * 1_000) };
}

/** The pool's payloads decoded in a few rounds (new trace ids each), with their request sizes. */
function decodedRounds(pool: PayloadPool, rounds: number): Array<{ batch: SpanBatch; bytes: number }> {
  const out: Array<{ batch: SpanBatch; bytes: number }> = [];
  for (let round = 0; round < rounds; round++) {
    for (const payload of pool.payloads) out.push({ batch: decodeOtlpTraces(payloadForRound(payload, round), 'protobuf', DIRECT_INGEST_ACCOUNT).batch, bytes: payload.body.byteLength });
  }
  return out;
}

function countingRates(pool: PayloadPool, seconds: number): { aggregatorAlone: CountingRate; usageAlone: CountingRate; listeners: CountingRate } {
  const batches = decodedRounds(pool, 3);
  const aggregator = new SpanMetricsAggregator();
  const aggregatorAlone = timeLoop(seconds, (i) => {
    const { batch } = batches[i % batches.length]!;
    aggregator.addBatch(batch);
    // The feed drains every 5 s: its map holds a few minutes' buckets, not the whole run's.
    if (i % batches.length === 0) aggregator.drain();
    return batch.length;
  });
  // Central's own counting objects (DerivedFigures commits what they count every 5 s, not in the loop).
  const log = (message: string) => console.error(`[telemetry] ${message}`);
  const meter = () => new UsageMeter({ now: Date.now, log });
  const alone = meter();
  const usageAlone = timeLoop(seconds, (i) => {
    const { batch, bytes } = batches[i % batches.length]!;
    alone.ingested(batch, bytes);
    alone.stored(batch);
    return batch.length;
  });
  const metrics = new SpanMetricsAggregator();
  const usage = meter();
  const listeners = timeLoop(seconds, (i) => {
    const { batch, bytes } = batches[i % batches.length]!;
    usage.ingested(batch, bytes);
    metrics.addBatch(batch);
    usage.stored(batch);
    if (i % batches.length === 0) metrics.drain();
    return batch.length;
  });
  return { aggregatorAlone, usageAlone, listeners };
}

interface MetricsAnswer {
  series?: Array<{ total: { count: number } }>;
}
interface CostAnswer {
  total?: { usage: { spans: number } };
}

/**
 * Entry spans (what span metrics count) among the first `requests` payloads the load sent:
 * the load walks the pool in order, round after round, and re-keying keeps every span's kind.
 */
function entrySpansSent(pool: PayloadPool, requests: number): number {
  const perPayload = pool.payloads.map((payload) => {
    const { batch } = decodeOtlpTraces(payload.body, 'protobuf', DIRECT_INGEST_ACCOUNT);
    let entries = 0;
    for (let i = 0; i < batch.length; i++) if (isEntrySpan(batch.kind[i]!, batch.parentSpanId[i]!)) entries++;
    return entries;
  });
  let total = 0;
  for (let i = 0; i < requests; i++) total += perPayload[i % perPayload.length]!;
  return total;
}

export async function runTelemetryIngest(pool: PayloadPool, spec: TelemetryIngestSpec, poolWindow: { startMs: number; endMs: number }, progress: (message: string) => void): Promise<TelemetryIngestResult> {
  progress(`telemetry: decode-only rate (${spec.decodeSeconds} s), then span metrics and usage counting alone (${spec.countingSeconds} s each), one thread`);
  const decodeOnly = measureDecodeRates(pool, spec.decodeSeconds).decode;
  const { aggregatorAlone, usageAlone, listeners } = countingRates(pool, spec.countingSeconds);

  progress(`telemetry: end-to-end ingest with span metrics and usage on: stitch central (DuckDB), ${spec.warmupSeconds} + ${spec.seconds} s of load`);
  const dataDir = mkdtempSync(join(tmpdir(), 'stitch-bench-telemetry-ingest-'));
  const forgetDir = onExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const central = await startCentralProcess({ dataDir, decodeWorkers: spec.decodeWorkers });
  const client = new HttpClient(central.url, spec.concurrency);
  try {
    let window = { cpu: 0, at: 0 };
    let coresUsed = 0;
    const load = await runIngestLoad(client, pool, {
      concurrency: spec.concurrency,
      warmupMs: spec.warmupSeconds * 1_000,
      durationMs: spec.seconds * 1_000,
      onMeasureStart: () => (window = { cpu: cpuSeconds(central.pid), at: performance.now() }),
      onMeasureEnd: () => (coresUsed = (cpuSeconds(central.pid) - window.cpu) / ((performance.now() - window.at) / 1_000)),
    });

    // Span metrics are written every 5 s; the usage answer flushes the meter first.
    const problems: string[] = [];
    const expectedRequests = load.non200 === 0 ? entrySpansSent(pool, load.totalRequests) : null;
    if (expectedRequests === null) problems.push(`${load.non200} POSTs failed (first: ${load.firstError}): the spans stored are not known exactly`);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const metricsPath = `/api/metrics?groupBy=service&start=${poolWindow.startMs - 3_600_000}&end=${poolWindow.endMs + 3_600_000}`;
    let metricRequests: number | null = null;
    for (let attempt = 0; attempt < 20; attempt++) {
      const answer = await client.getJson<MetricsAnswer>(metricsPath);
      metricRequests = answer.json?.series?.reduce((sum, series) => sum + series.total.count, 0) ?? null;
      if (metricRequests !== null && metricRequests === expectedRequests) break;
      await sleep(1_000);
    }
    if (expectedRequests !== null && metricRequests !== expectedRequests) problems.push(`span metrics counted ${metricRequests} requests (entry spans), expected ${expectedRequests}`);
    const cost = await client.getJson<CostAnswer>(`/api/cost?start=${day(poolWindow.startMs)}&end=${day(poolWindow.endMs)}`);
    const usageSpans = cost.json?.total?.usage.spans ?? null;
    if (usageSpans !== load.totalAckedSpans) problems.push(`usage counted ${usageSpans} spans, ${load.totalAckedSpans} were acknowledged`);
    const peakRss = peakRssBytes(central.pid);
    const share = load.spansPerSecond > 0 && coresUsed > 0 ? round2(load.spansPerSecond / listeners.spansPerSecond / coresUsed) : null;
    return {
      decodeOnly,
      aggregatorAlone,
      usageAlone,
      listeners,
      load,
      central: { coresUsed: round2(coresUsed), peakRssBytes: peakRss },
      listenersShareOfCentralCpu: share,
      checks: { metricRequests: { expected: expectedRequests, actual: metricRequests }, usageSpans: { expected: load.totalAckedSpans, actual: usageSpans }, problems },
    };
  } finally {
    client.close();
    await central.stop();
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
}
