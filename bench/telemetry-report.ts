import type { BenchOptions } from './bench-options.ts';
import type { LatencySummary } from './latency-stats.ts';
import type { MachineInfo } from './machine-info.ts';
import type { ReportRow, ReportSection } from './report-format.ts';
import type { TelemetryResult } from './telemetry-bench.ts';
import type { PostRate, Timed } from './telemetry-queries.ts';

// The telemetry phase's result file and table.

export interface TelemetryReport {
  name: string;
  mode: BenchOptions['mode'];
  createdAt: string;
  machine: MachineInfo;
  parameters: { pool: BenchOptions['pool']; telemetry: BenchOptions['telemetry'] };
  result: TelemetryResult;
}

export function buildTelemetryReport(header: Pick<TelemetryReport, 'name' | 'mode' | 'createdAt' | 'machine'>, options: BenchOptions, result: TelemetryResult): TelemetryReport {
  return { ...header, parameters: { pool: options.pool, telemetry: options.telemetry }, result };
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;
const latency = (s: LatencySummary | null) => (s === null ? 'no samples' : `${s.p50} / ${s.p95} / ${s.p99} ms (max ${s.max}, n=${s.count})`);
const timed = (t: Timed) => `${latency(t.latencyMs)}, first ${t.firstMs} ms${t.wrongAnswers > 0 ? `; WRONG: ${t.wrongAnswers}, first: ${t.firstProblem}` : ''}`;
const posted = (rate: PostRate, unit: string) => `${int(rate.recordsPerSecond)} ${unit}/s (${int(rate.records)} in ${rate.posts} POSTs, ${rate.seconds} s, ${rate.megabytesPerSecond} MB/s)${rate.failures > 0 ? `; FAILED: ${rate.failures}` : ''}`;

export function telemetrySections(report: TelemetryReport): ReportSection[] {
  const { ingest, queries, loadAverage, problems } = report.result;
  const p = report.parameters.telemetry;
  const { logs } = queries;
  const figures: ReportSection = {
    title: `telemetry (${report.mode}): counting at ingest, span metrics, SLOs, cost, logs; stitch central on DuckDB, reads one at a time`,
    rows: [
      ['decode-only, 1 thread (the baseline: central has no switch for its listeners)', `${int(ingest.decodeOnly.spansPerSecond)} spans/s`],
      ['span-metrics aggregator alone, 1 thread', `${int(ingest.aggregatorAlone.spansPerSecond)} spans/s (${ingest.aggregatorAlone.microsPer1000Spans} µs per 1,000 spans)`],
      ['usage meter alone (ingested + stored), 1 thread', `${int(ingest.usageAlone.spansPerSecond)} spans/s (${ingest.usageAlone.microsPer1000Spans} µs per 1,000 spans)`],
      ['listeners as central runs them (span metrics + usage), 1 thread', `${int(ingest.listeners.spansPerSecond)} spans/s (${ingest.listeners.microsPer1000Spans} µs per 1,000 spans)`],
      [`end to end, listeners on (${p.ingest.seconds} s, ${p.ingest.concurrency} connections)`, `${int(ingest.load.spansPerSecond)} spans/s, POST p50/p95/p99 ${latency(ingest.load.postLatencyMs)}`],
      ['  central cores busy / peak RSS', `${ingest.central.coresUsed} / ${mib(ingest.central.peakRssBytes)}`],
      ['  listeners\' share of central\'s CPU (estimate)', ingest.listenersShareOfCentralCpu === null ? 'n/a' : `${(ingest.listenersShareOfCentralCpu * 100).toFixed(1)} %`],
      ['  span metrics counted / usage spans', `${ingest.checks.metricRequests.actual ?? 'none'} of ${ingest.checks.metricRequests.expected ?? '?'} entry spans; ${ingest.checks.usageSpans.actual ?? 'none'} of ${int(ingest.checks.usageSpans.expected)} spans`],
      ['store fill (in-process)', `${int(queries.fill.metricRecords)} metric records in ${queries.fill.metricSeconds} s; ${int(queries.fill.usageRows)} usage rows in ${queries.fill.usageSeconds} s`],
      [`GET /api/metrics, ${p.queries.metricDays} days, groupBy=service (${queries.metrics.series.service} series)`, timed(queries.metrics.byService)],
      [`GET /api/metrics, ${p.queries.metricDays} days, groupBy=operation (${queries.metrics.series.operation} series)`, timed(queries.metrics.byOperation)],
      [`GET /api/slos/{id}, 30-day latency SLO (${int(queries.slo.total)} requests)`, timed(queries.slo)],
      [`GET /api/cost, ${queries.cost.days} days (${int(queries.fill.usageRows)} rows)`, timed(queries.cost)],
      [`POST /v1/traces (the logs' ${int(logs.traces)} traces, OTLP JSON)`, posted(logs.spansPost, 'spans')],
      [`POST /v1/logs, OTLP JSON (${p.queries.logsPerPost} a POST)`, posted(logs.json, 'records')],
      [`POST /v1/logs, OTLP protobuf (${p.queries.logsPerPost} a POST)`, posted(logs.protobuf, 'records')],
      [`GET /api/logs?traceId= (${int(logs.records)} lines stored)`, timed(logs.byTrace)],
      [`GET /api/logs?q=duration > 2 over the hour (${logs.slowRequests.matchedTraces} traces, ${logs.slowRequests.logs} lines)`, timed(logs.slowRequests)],
      ['central peak RSS (fill, reads, logs)', mib(queries.centralPeakRssBytes)],
      ['load average (1 min) at start / after ingest / end', `${loadAverage.start} / ${loadAverage.afterIngest} / ${loadAverage.end} (${report.machine.cpus} cores)`],
      ...(problems.length === 0 ? ([['answers', 'all checked, all right']] as ReportRow[]) : problems.slice(0, 10).map((m): ReportRow => ['  WRONG', m])),
    ],
  };
  return [figures];
}
