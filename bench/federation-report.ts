import type { BenchOptions } from './bench-options.ts';
import type { TargetCheck } from './bench-report.ts';
import type { FederationResult } from './federation-bench.ts';
import type { LatencySummary } from './latency-stats.ts';
import type { MachineInfo } from './machine-info.ts';
import type { ReportRow, ReportSection } from './report-format.ts';
import { targetsSection } from './report-table.ts';

// The federation phase's result file and table: pipeline | federated | federated / pipeline for
// every row, then the targets (stated for federated mode on loopback).

export interface FederationReport {
  name: string;
  mode: BenchOptions['mode'];
  createdAt: string;
  machine: MachineInfo;
  parameters: { federation: BenchOptions['federation'] };
  result: FederationResult;
  targets: TargetCheck[];
}

const TRACE_BY_ID_P99_MS = 150;
const MAP_P99_MS = 500;

export function buildFederationReport(header: Pick<FederationReport, 'name' | 'mode' | 'createdAt' | 'machine'>, options: BenchOptions, result: FederationResult): FederationReport {
  const query = (name: string) => result.queries.find((q) => q.name.startsWith(name))!.federated.latencyMs;
  const p99Under = (what: string, latency: LatencySummary | null, limitMs: number, note?: string): TargetCheck => ({
    what: `${what}, p99`,
    target: `< ${limitMs} ms`,
    actual: latency === null ? 'n/a' : `${latency.p99} ms`,
    met: latency !== null && latency.p99 < limitMs,
    ...(note ? { note } : {}),
  });
  const measuredWrong = result.queries.reduce((sum, q) => sum + q.pipeline.wrongAnswers + q.federated.wrongAnswers, 0);
  const warmupWrong = result.mismatches.filter((m) => m.startsWith('warm-up')).length;
  const warmup = warmupWrong === 0 ? '' : `, and wrong answers to ${warmupWrong} warm-up queries`;
  const targets: TargetCheck[] = [
    p99Under(`trace by id across ${result.traffic.accounts.length} federated accounts`, query('trace by id'), TRACE_BY_ID_P99_MS),
    p99Under('service map over 1 hour, federated', query('service map'), MAP_P99_MS, 'the issue says "< 500 ms"; checked at p99'),
    { what: 'wrong answers, either mode (spans, pages, map counts, partial)', target: '0', actual: `${measuredWrong} of the measured answers${warmup}`, met: result.mismatches.length === 0 },
  ];
  return { ...header, parameters: { federation: options.federation }, result, targets };
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;
const latency = (s: LatencySummary | null) => (s === null ? 'no samples' : `${s.p50} / ${s.p95} / ${s.p99} ms (max ${s.max})`);
const times = (value: number | null) => (value === null ? '-' : `x${value.toFixed(2)}`);
/** pipeline | federated | federated / pipeline. */
const row = (label: string, pipeline: string, federated: string, ratio: string): ReportRow => [label, pipeline, federated, ratio];

export function federationSections(report: FederationReport): ReportSection[] {
  const { result } = report;
  const { traffic, fill } = result;
  const hour = `${new Date(traffic.window.startMs).toISOString().slice(0, 16)}Z + 1 h`;
  const figures: ReportSection = {
    title: `federation (${report.mode}): ${int(traffic.traces)} checkout traces (${int(traffic.spans)} spans, ${traffic.slowTraces} slow) over ${hour} in ${traffic.accounts.length} accounts; loopback, one request at a time, alternately to each mode, after a warm-up`,
    columns: ['pipeline (central stores all)', 'federated (5 agents keep theirs)', 'federated / pipeline'],
    rows: [
      row('fill', `${fill.pipeline.seconds} s, ${int(fill.pipeline.spansPerSecond)} spans/s`, `${fill.federated.seconds} s, ${int(fill.federated.spansPerSecond)} spans/s`, times(fill.federated.seconds / fill.pipeline.seconds)),
      ['  pipeline fill', fill.pipeline.method],
      ['  federated fill', fill.federated.method],
      row('DuckDB files (while open)', mib(result.bytesOnDisk.pipeline), `${mib(result.bytesOnDisk.federated)} (5 agents)`, ''),
      row('central peak RSS (VmHWM, fill + queries)', mib(result.centralPeakRssBytes.pipeline), mib(result.centralPeakRssBytes.federated), times(result.centralPeakRssBytes.federated / result.centralPeakRssBytes.pipeline)),
      ['bench process peak RSS (5 agents + spans + load)', mib(result.benchPeakRssBytes)],
      ['map over the hour', `${result.map.nodes} nodes, ${result.map.edges} edges; ${result.map.checkedEdge.caller} -> ${result.map.checkedEdge.callee} counts ${int(result.map.checkedEdge.requests)} calls`],
      ['searches (matches in the hour)', result.searches.map((s) => `${s.q === '' ? 'no filter' : s.q}: ${int(s.matches)}`).join('; ')],
      row('p50 / p95 / p99 (ratio of p50, of p99)', '', '', ''),
      ...result.queries.map((q) => row(`  ${q.name} (n=${q.federated.latencyMs?.count ?? 0})`, latency(q.pipeline.latencyMs), latency(q.federated.latencyMs), `${times(q.ratio.p50)}, ${times(q.ratio.p99)}`)),
      ['load average (1 min) at start / end of queries', `${result.loadAverage.queriesStart} / ${result.loadAverage.queriesEnd} (${report.machine.cpus} cores)`],
      ...(result.agentLog.lines > 0 ? ([['agents logged', `${result.agentLog.lines} lines; first: ${result.agentLog.first[0]}`]] as ReportRow[]) : []),
      ...(result.mismatches.length === 0 ? ([['answers', 'all checked, all right, both modes agree']] as ReportRow[]) : result.mismatches.slice(0, 10).map((m): ReportRow => ['  WRONG', m])),
    ],
  };
  return [figures, targetsSection(report.targets)];
}
