import type { IngestReport } from './bench-report.ts';
import { MIX_KINDS } from './mix-traces.ts';
import { int, mib, type ReportSection } from './report-format.ts';
import type { SpoolTrend } from './spool-trend.ts';

// The mix's own tables: what the traffic was, and each agent's part (spool, memory, cores).

const spool = ({ batches, bytes }: SpoolTrend['first']) => `${int(batches)} (${mib(bytes)})`;

export function mixSections(report: IngestReport): ReportSection[] {
  const mix = report.ingest.mix;
  if (!mix) return [];
  const { pool } = mix;
  const kinds = MIX_KINDS.map((kind) => `${kind} ${Math.round((pool.kinds[kind].spans / pool.spans) * 100)} %`).join(', ');
  const traffic: ReportSection = {
    title: `the mix: ${int(pool.spans)} spans, ${int(pool.traces)} traces in ${int(pool.requests)} requests, ${pool.otlpBytesPerSpan} bytes of OTLP per span, replayed with new trace ids`,
    rows: [
      ['spans by kind', kinds],
      ['requests by kind', MIX_KINDS.map((kind) => `${kind} ${int(pool.kinds[kind].requests)}`).join(', ')],
      ['root spans sent 1-30 s after their traces', `${int(pool.lateRoots)} (${Math.round((pool.lateRoots / pool.traces) * 100)} % of the traces)`],
    ],
  };
  const agents: ReportSection = {
    title: 'agents (spool in batches, sampled every second over the measured window)',
    columns: ['acked spans/s', 'non-200', 'spool first', 'spool max', 'spool last', 'trend', 'peak RSS', 'cores'],
    rows: mix.agents.map((agent) => [
      `${agent.name} (${agent.account})`,
      int(agent.ackedSpansPerSecond),
      int(agent.non200),
      spool(agent.spool.first),
      spool(agent.spool.max),
      spool(agent.spool.last),
      agent.spool.growing ? 'GROWING' : 'flat',
      mib(agent.peakRssBytes),
      String(agent.coresUsed),
    ]),
  };
  return [traffic, agents];
}
