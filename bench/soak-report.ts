import type { MachineInfo } from './machine-info.ts';
import type { SoakResult } from './soak-run.ts';
import type { ReportRow, ReportSection } from './report-format.ts';

export interface SoakCheck {
  what: string;
  actual: string;
  met: boolean;
}

export interface SoakReport {
  name: 'soak';
  createdAt: string;
  machine: MachineInfo;
  result: SoakResult;
  checks: SoakCheck[];
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;
const kib = (bytes: number) => `${int(bytes / 1024)} KiB`;

/** What the soak promises: exactly once, end to end, through every restart. */
export function soakChecks(result: SoakResult): SoakCheck[] {
  const restarted = (process: string, signal: string) => result.restarts.some((r) => r.signal === signal && (process === 'agent' ? r.process.startsWith('agent') : r.process === process));
  return [
    { what: 'every acknowledged span stored (lost = 0)', actual: int(result.spans.lost), met: result.spans.lost === 0 },
    { what: 'no span stored twice (duplicated = 0)', actual: int(result.spans.duplicated), met: result.spans.duplicated === 0 },
    { what: 'spans the agents refused (other 4xx) or left unanswered', actual: `${int(result.spans.refused)} / ${int(result.spans.abandoned)}`, met: result.spans.refused === 0 && result.spans.abandoned === 0 },
    { what: 'central restarted after SIGTERM and after SIGKILL, an agent after SIGKILL', actual: result.restarts.map((r) => `${r.process} ${r.signal}`).join(', '), met: restarted('central', 'SIGTERM') && restarted('central', 'SIGKILL') && restarted('agent', 'SIGKILL') },
    { what: 'every spool emptied after the load', actual: result.drained ? `in ${result.drainSeconds} s` : 'NO', met: result.drained },
  ];
}

export function soakSections(report: SoakReport): ReportSection[] {
  const { result } = report;
  const { spans, parameters, peaks } = result;
  const accounts = result.byAccount.map((a) => a.account);
  const perAgent = (values: number[], format: (value: number) => string) => values.map((value, i) => `${accounts[i]} ${format(value)}`).join(', ');
  const p = result.agentPostMs;
  const figures: ReportSection = {
    title: `soak: ${int(parameters.durationMs / 1_000)} s at ${int(parameters.spansPerSecond)} spans/s through ${accounts.length} agents (${parameters.instancesPerAccount} exporters each) into central on ${parameters.clickhouseShards > 0 ? `ClickHouse (${parameters.clickhouseShards} shards)` : 'DuckDB'}`,
    rows: [
      ['spans made by the simulated services', int(spans.generated)],
      ['sent (POSTs to the agents, retries included)', `${int(spans.attempted)} spans in ${int(spans.posts)} POSTs`],
      ['acknowledged (200 from an agent)', int(spans.acknowledged)],
      ['  batches acknowledged after a POST of theirs got no answer', int(spans.batchesAcknowledgedAfterNoAnswer)],
      ['refused (other 4xx) / left unanswered', `${int(spans.refused)} / ${int(spans.abandoned)}`],
      ['stored in central: rows / distinct ids', `${int(spans.stored)} / ${int(spans.distinctStored)}${spans.foreignRows > 0 ? ` (${int(spans.foreignRows)} rows not of this run)` : ''}`],
      ['duplicated (rows - distinct)', int(spans.duplicated)],
      ['lost (acknowledged, not stored)', int(spans.lost)],
      ['stored though never acknowledged', int(spans.storedUnacknowledged)],
      ['acknowledged throughput', `${int(result.acknowledgedSpansPerSecond)} spans/s (${result.loadSeconds} s of load + ${result.settleSeconds} s to settle the backlog)`],
      ['POST to an agent p50 / p95 / p99', p ? `${p.p50} / ${p.p95} / ${p.p99} ms (max ${p.max})` : 'no samples'],
      ['answers by status', Object.entries(result.postStatusCounts).map(([status, count]) => `${status}: ${int(count)}`).join(', ')],
      ...(result.firstRefusal ? ([['first refusal', result.firstRefusal]] as ReportRow[]) : []),
      ...result.restarts.map((r): ReportRow => [`${r.signal} to ${r.process} at ${r.atSeconds} s`, `exited after ${int(r.stoppedAfterMs)} ms (${r.exit}), back after ${int(r.downtimeMs)} ms`]),
      ['spooled when the exporters had settled', `${int(result.spoolsAfterLoad.reduce((sum, s) => sum + s.batches, 0))} batches; all delivered: ${result.drained} (${result.drainSeconds} s)`],
      ['peak spool per agent', perAgent(peaks.spoolBatches, (batches) => `${int(batches)}`) + ' batches'],
      ['  bytes', perAgent(peaks.spoolBytes, kib)],
      ['peak RSS: central', mib(peaks.centralRssBytes)],
      ['peak RSS: agents', perAgent(peaks.agentRssBytes, mib)],
      ['peak backlog in the exporters', `${int(peaks.exporterBacklogSpans)} spans`],
      ['agents\' logs: batches central refused / dropped from a full spool', `${result.agentLog.batchesRefusedByCentral} / ${result.agentLog.spoolFullDrops}`],
      ['busiest minute of the machine (load average)', `${peaks.loadAverage1m} on ${report.machine.cpus} cores`],
      ...result.byAccount.map((a): ReportRow => [`  ${a.account}`, `acknowledged ${int(a.acknowledged)}, stored ${int(a.storedDistinct)}, duplicated ${int(a.duplicated)}, lost ${int(a.lost)}`]),
      ...(result.examples.lost.length > 0 ? ([['lost, e.g.', result.examples.lost.join(' ')]] as ReportRow[]) : []),
      ...(result.examples.duplicated.length > 0 ? ([['duplicated, e.g.', result.examples.duplicated.map((d) => `${d.spanId} x${d.copies}`).join(' ')]] as ReportRow[]) : []),
      ...(result.keptDir ? ([['data and logs kept in', result.keptDir]] as ReportRow[]) : []),
    ],
  };
  return [figures, { title: 'checks', rows: report.checks.map((c) => [`${c.met ? 'met   ' : 'FAILED'} ${c.what}`, c.actual]) }];
}
