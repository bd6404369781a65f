import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord, Span } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { encodeOtlpLogsProtobuf, logsToOtlpJson, spansToOtlpJson } from '@stitch/wire';
import { startCentralProcess } from './central-process.ts';
import { onExit } from './exit-cleanup.ts';
import { HttpClient } from './http-client.ts';
import { round2, summarizeLatencies } from './latency-stats.ts';
import { Rng } from './otlp-load.ts';
import { peakRssBytes } from './proc-stats.ts';
import {
  expectedSlowLogs,
  LOG_LINES_PER_TRACE,
  loggedTraces,
  METRIC_SERVICES,
  operationKey,
  SLO_SERVICE,
  SLO_THRESHOLD_MS,
  writeMinuteRecords,
  writeUsageDays,
  type LoggedTrace,
  type MetricExpectation,
} from './telemetry-data.ts';
import { timeGets, type TimedSamples } from './timed-gets.ts';

// The telemetry reads, through a real `stitch central` on a DuckDB store: span metrics over
// 7 days and a 30-day SLO (minute records written straight into the store first), the cost
// report over 30 days of usage rows, then logs posted over OTLP (JSON and protobuf) and read
// back by trace and joined with a trace search. Every answer is checked against the generated data.

export interface TelemetryQuerySpec {
  metricDays: number;
  usageDays: number;
  /** Usage rows a day per account and service (the meter appends one per flush with traffic). */
  usageFlushesPerDay: number;
  logTraces: number;
  samples: number;
  traceLookups: number;
  logsPerPost: number;
  concurrency: number;
  decodeWorkers: number;
  seed: number;
}

export type Timed = TimedSamples & { path: string };

export interface PostRate {
  records: number;
  posts: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  failures: number;
  firstError: string | null;
}

export interface TelemetryQueryResult {
  fill: { metricRecords: number; metricSeconds: number; usageRows: number; usageSeconds: number };
  metrics: { byService: Timed; byOperation: Timed; series: { service: number; operation: number }; requests: number };
  slo: Timed & { total: number; good: number };
  cost: Timed & { days: number; tracesRecorded: number };
  logs: {
    traces: number;
    spans: number;
    records: number;
    slowTraces: number;
    spansPost: PostRate;
    json: PostRate;
    protobuf: PostRate;
    byTrace: Timed;
    slowRequests: Timed & { matchedTraces: number; logs: number };
  };
  centralPeakRssBytes: number;
  /** Wrong answers of every measurement, and failed posts (the phase fails when any). */
  problems: string[];
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** POSTs the bodies, `concurrency` at a time; every answer must be a 200. */
async function postAll(client: HttpClient, path: string, bodies: Array<{ body: Uint8Array; records: number }>, contentType: string, concurrency: number): Promise<PostRate> {
  let next = 0;
  let failures = 0;
  let firstError: string | null = null;
  let bytes = 0;
  const started = performance.now();
  const sender = async () => {
    while (next < bodies.length) {
      const { body } = bodies[next++]!;
      bytes += body.byteLength;
      const answer = await client.post(path, body, contentType);
      if (answer.status === 200) continue;
      failures++;
      firstError ??= answer.error ?? `HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  const seconds = (performance.now() - started) / 1_000;
  const records = bodies.reduce((sum, b) => sum + b.records, 0);
  return { records, posts: bodies.length, seconds: round2(seconds), recordsPerSecond: Math.round(records / seconds), megabytesPerSecond: round2(bytes / seconds / 1e6), failures, firstError };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

const utf8 = (value: object) => new TextEncoder().encode(JSON.stringify(value));

/** OTLP/JSON's ids are hex; protobuf's are bytes. */
function protobufLogs(records: readonly LogRecord[]): Uint8Array {
  const request = logsToOtlpJson(records) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ traceId: unknown; spanId: unknown }> }> }> };
  for (const resource of request.resourceLogs) {
    for (const scope of resource.scopeLogs) {
      for (const record of scope.logRecords) {
        record.traceId = Buffer.from(record.traceId as string, 'hex');
        record.spanId = Buffer.from(record.spanId as string, 'hex');
      }
    }
  }
  return encodeOtlpLogsProtobuf(request);
}

interface SeriesAnswer {
  series?: Array<{ key: { service: string; operation?: string }; total: { count: number } }>;
}

/** What is wrong with a metrics answer, against the counts written (null: nothing). */
function metricsProblem(status: number, json: SeriesAnswer | null, expected: Map<string, number>, keyOf: (key: { service: string; operation?: string }) => string): string | null {
  if (status !== 200 || !json?.series) return `HTTP ${status}`;
  if (json.series.length !== expected.size) return `${json.series.length} series, expected ${expected.size}`;
  for (const series of json.series) {
    const want = expected.get(keyOf(series.key));
    if (series.total.count !== want) return `${JSON.stringify(series.key)}: ${series.total.count} requests, expected ${want}`;
  }
  return null;
}

async function fillStore(dataDir: string, spec: TelemetryQuerySpec, endMs: number, progress: (message: string) => void) {
  const store = await openDuckDbStore({ path: join(dataDir, 'stitch.duckdb') });
  try {
    progress(`telemetry: writing ${spec.metricDays} days of minute records for 30 series into DuckDB (writeMetricRecords)`);
    let started = performance.now();
    const metrics = await writeMinuteRecords(endMs, spec.metricDays, spec.seed, async (records) => {
      for (const part of chunks(records, 10_000)) await store.writeMetricRecords(part);
    });
    const metricSeconds = round2((performance.now() - started) / 1_000);
    progress(`telemetry: ${metrics.records.toLocaleString('en-US')} metric records in ${metricSeconds} s; ${spec.usageDays} days of usage (${spec.usageFlushesPerDay} rows a day per account and service)`);
    started = performance.now();
    const usage = await writeUsageDays(new Date(endMs).toISOString().slice(0, 10), spec.usageDays, spec.usageFlushesPerDay, spec.seed + 1, async (rows) => {
      for (const part of chunks(rows, 50_000)) await store.addUsage(part);
    });
    return { metrics, usage, metricSeconds, usageSeconds: round2((performance.now() - started) / 1_000) };
  } finally {
    await store.close();
  }
}

export async function runTelemetryQueries(spec: TelemetryQuerySpec, progress: (message: string) => void): Promise<TelemetryQueryResult> {
  // The data ends at the last whole minute: the metrics, the SLO and the cost report cover it wholly.
  const endMs = Date.now() - (Date.now() % 60_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'stitch-bench-telemetry-'));
  const forgetDir = onExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const problems: string[] = [];
  const collect = (what: string, timed: TimedSamples) => {
    if (timed.firstProblem !== null) problems.push(`${what}: ${timed.wrongAnswers} wrong of ${timed.latencyMs?.count ?? 0}; first: ${timed.firstProblem}`);
  };
  try {
    const filled = await fillStore(dataDir, spec, endMs, progress);
    const central = await startCentralProcess({ dataDir, decodeWorkers: spec.decodeWorkers });
    const client = new HttpClient(central.url, 1);
    const posting = new HttpClient(central.url, spec.concurrency);
    try {
      progress(`telemetry: ${spec.samples} of each: GET /api/metrics over ${spec.metricDays} days by service and by operation, GET /api/slos/{id} (30 days), GET /api/cost (${spec.usageDays} days)`);
      const metrics = await timeMetrics(client, filled.metrics, endMs, spec);
      collect('metrics by service', metrics.byService);
      collect('metrics by operation', metrics.byOperation);
      progress(`telemetry: metrics p50 ${metrics.byService.latencyMs?.p50} ms by service, ${metrics.byOperation.latencyMs?.p50} ms by operation`);
      const slo = await timeSlo(client, filled.metrics, spec.samples);
      collect('SLO', slo);
      progress(`telemetry: SLO p50 ${slo.latencyMs?.p50} ms`);
      const startDay = filled.usage.days[0]!;
      const endDay = filled.usage.days[filled.usage.days.length - 1]!;
      const costPath = `/api/cost?start=${startDay}&end=${endDay}`;
      const cost = await timeGets<{ total?: { usage: { tracesRecorded: number; spans: number } }; byDay?: unknown[]; byService?: unknown[] }>(client, costPath, spec.samples, (status, json) => {
        if (status !== 200 || !json?.total) return `HTTP ${status}`;
        if (json.total.usage.tracesRecorded !== filled.usage.tracesRecorded) return `${json.total.usage.tracesRecorded} traces recorded, expected ${filled.usage.tracesRecorded}`;
        if (json.total.usage.spans !== filled.usage.spans) return `${json.total.usage.spans} spans, expected ${filled.usage.spans}`;
        if (json.byDay?.length !== filled.usage.days.length) return `${json.byDay?.length} days, expected ${filled.usage.days.length}`;
        if (json.byService?.length !== METRIC_SERVICES.length) return `${json.byService?.length} services, expected ${METRIC_SERVICES.length}`;
        return null;
      });
      collect('cost', cost);
      progress(`telemetry: cost p50 ${cost.latencyMs?.p50} ms`);

      // Logs last: their traces add span metrics and usage of their own.
      const logs = await runLogs(client, posting, spec, endMs - 8 * DAY_MS - HOUR_MS, progress, problems, collect);
      return {
        fill: { metricRecords: filled.metrics.records, metricSeconds: filled.metricSeconds, usageRows: filled.usage.rows, usageSeconds: filled.usageSeconds },
        metrics,
        slo,
        cost: { ...strip(cost), path: costPath, days: filled.usage.days.length, tracesRecorded: filled.usage.tracesRecorded },
        logs,
        centralPeakRssBytes: peakRssBytes(central.pid),
        problems,
      };
    } finally {
      client.close();
      posting.close();
      await central.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
}

const strip = <T extends TimedSamples>({ latencyMs, firstMs, wrongAnswers, firstProblem }: T & { last?: unknown }): TimedSamples => ({ latencyMs, firstMs, wrongAnswers, firstProblem });

async function timeMetrics(client: HttpClient, expected: MetricExpectation, endMs: number, spec: TelemetryQuerySpec): Promise<TelemetryQueryResult['metrics']> {
  const window = `start=${endMs - spec.metricDays * DAY_MS}&end=${endMs}`;
  const byServicePath = `/api/metrics?${window}&groupBy=service`;
  const byOperationPath = `/api/metrics?${window}&groupBy=operation`;
  const byService = await timeGets<SeriesAnswer>(client, byServicePath, spec.samples, (status, json) => metricsProblem(status, json, expected.byService, (key) => key.service));
  const byOperation = await timeGets<SeriesAnswer>(client, byOperationPath, spec.samples, (status, json) => metricsProblem(status, json, expected.byOperation, (key) => operationKey(key.service, key.operation ?? '')));
  return {
    byService: { ...strip(byService), path: byServicePath },
    byOperation: { ...strip(byOperation), path: byOperationPath },
    series: { service: expected.byService.size, operation: expected.byOperation.size },
    requests: [...expected.byService.values()].reduce((a, b) => a + b, 0),
  };
}

async function timeSlo(client: HttpClient, expected: MetricExpectation, samples: number): Promise<TelemetryQueryResult['slo']> {
  const body = { name: 'checkout answers within 2 s', selector: { service: SLO_SERVICE }, objective: { kind: 'latency', thresholdMs: SLO_THRESHOLD_MS }, target: 0.99, windowDays: 30 };
  const created = await client.post('/api/slos', utf8(body), 'application/json');
  const id = created.status === 201 ? (JSON.parse(created.body.toString('utf8')) as { slo: { id: string } }).slo.id : null;
  if (id === null) throw new Error(`POST /api/slos answered ${created.status}: ${created.body.toString('utf8', 0, 300)}`);
  const path = `/api/slos/${encodeURIComponent(id)}`;
  const timed = await timeGets<{ status?: { total: number; good: number } }>(client, path, samples, (status, json) => {
    if (status !== 200 || !json?.status) return `HTTP ${status}`;
    if (json.status.total !== expected.slo.total) return `${json.status.total} requests, expected ${expected.slo.total}`;
    // Exact: no generated duration lies in the histogram bucket that holds the threshold.
    if (Math.abs(json.status.good - expected.slo.good) > 1e-6) return `${json.status.good} good, expected ${expected.slo.good}`;
    return null;
  });
  return { ...strip(timed), path, total: expected.slo.total, good: expected.slo.good };
}

async function runLogs(
  client: HttpClient,
  posting: HttpClient,
  spec: TelemetryQuerySpec,
  hourStartMs: number,
  progress: (message: string) => void,
  problems: string[],
  collect: (what: string, timed: TimedSamples) => void,
): Promise<TelemetryQueryResult['logs']> {
  const traces = loggedTraces(spec.logTraces, hourStartMs, spec.seed + 2);
  const spans = traces.flatMap((trace) => trace.spans);
  const half = Math.floor(traces.length / 2);
  const logsOf = (part: readonly LoggedTrace[]) => part.flatMap((trace) => trace.logs);
  progress(`telemetry: posting ${traces.length.toLocaleString('en-US')} traces (${spans.length.toLocaleString('en-US')} spans, OTLP JSON), then their ${(traces.length * LOG_LINES_PER_TRACE).toLocaleString('en-US')} log lines: half as OTLP JSON, half as protobuf`);
  const spansPost = await postAll(posting, '/v1/traces', chunks(spans, 900).map((part: Span[]) => ({ body: utf8(spansToOtlpJson(part)), records: part.length })), 'application/json', spec.concurrency);
  const json = await postAll(posting, '/v1/logs', chunks(logsOf(traces.slice(0, half)), spec.logsPerPost).map((part) => ({ body: utf8(logsToOtlpJson(part)), records: part.length })), 'application/json', spec.concurrency);
  const protobuf = await postAll(posting, '/v1/logs', chunks(logsOf(traces.slice(half)), spec.logsPerPost).map((part) => ({ body: protobufLogs(part), records: part.length })), 'application/x-protobuf', spec.concurrency);
  for (const [what, rate] of [['traces', spansPost], ['logs, JSON', json], ['logs, protobuf', protobuf]] as const) {
    if (rate.failures > 0) problems.push(`POST ${what}: ${rate.failures} of ${rate.posts} failed; first: ${rate.firstError}`);
  }

  progress(`telemetry: ${spec.traceLookups} lookups of a trace's logs, ${spec.samples} of the logs of requests slower than 2 s in the hour`);
  const rng = new Rng(spec.seed + 3);
  const sampled = Array.from({ length: spec.traceLookups }, () => traces[Math.floor(rng.next() * traces.length)]!);
  const byTraceLatencies = await timeGetsEach(client, sampled.map((trace) => `/api/logs?traceId=${trace.traceId}`), (status, json: { logs?: Array<{ traceId: string }> } | null, i) => {
    const want = sampled[i]!;
    if (status !== 200 || !json?.logs) return `HTTP ${status}`;
    if (json.logs.length !== LOG_LINES_PER_TRACE || json.logs.some((line) => line.traceId !== want.traceId)) return `trace ${want.traceId}: ${json.logs.length} lines, expected ${LOG_LINES_PER_TRACE} of that trace`;
    return null;
  });
  collect("a trace's logs", byTraceLatencies);

  const limit = 1000;
  const maxTraces = 1000;
  const expected = expectedSlowLogs(traces, maxTraces, limit);
  const slowPath = `/api/logs?${new URLSearchParams({ q: 'duration > 2', start: String(hourStartMs), end: String(hourStartMs + HOUR_MS), limit: String(limit) }).toString()}`;
  const slow = await timeGets<{ logs?: Array<{ traceId: string }>; traces?: { matched: number } }>(client, slowPath, spec.samples, (status, answer) => {
    if (status !== 200 || !answer?.logs) return `HTTP ${status}`;
    if (answer.traces?.matched !== expected.matchedTraces) return `${answer.traces?.matched} traces matched, expected ${expected.matchedTraces}`;
    if (answer.logs.length !== expected.logs) return `${answer.logs.length} lines, expected ${expected.logs}`;
    const stray = answer.logs.find((line) => !expected.traceIds.has(line.traceId));
    return stray ? `a line of trace ${stray.traceId}, which is not slower than 2 s` : null;
  });
  collect('logs of slow requests', slow);
  return {
    traces: traces.length,
    spans: spans.length,
    records: traces.length * LOG_LINES_PER_TRACE,
    slowTraces: traces.filter((trace) => trace.slow).length,
    spansPost,
    json,
    protobuf,
    byTrace: { ...byTraceLatencies, path: '/api/logs?traceId={id}' },
    slowRequests: { ...strip(slow), path: slowPath, matchedTraces: expected.matchedTraces, logs: expected.logs },
  };
}

/** Like timeGets, over a list of paths (one request each, in order). */
async function timeGetsEach<T>(client: HttpClient, paths: readonly string[], problemOf: (status: number, json: T | null, i: number) => string | null): Promise<TimedSamples> {
  let i = 0;
  const latencies: number[] = [];
  let wrongAnswers = 0;
  let firstProblem: string | null = null;
  for (const path of paths) {
    const index = i++;
    const answer = await client.getJson<T>(path);
    latencies.push(answer.ms);
    const problem = problemOf(answer.status, answer.json, index);
    if (problem === null) continue;
    wrongAnswers++;
    firstProblem ??= problem;
  }
  return { latencyMs: summarizeLatencies(latencies), firstMs: round2(latencies[0] ?? NaN), wrongAnswers, firstProblem };
}
