import type { LatencySummary } from './latency-stats.ts';
import type { MachineInfo } from './machine-info.ts';
import { int, percentiles as latency, type ReportSection } from './report-format.ts';

// bench/costly-reads.ts's result file and tables: what one costly filter costs as its conditions
// grow, and ingest latency idle and while four such searches run back to back.

export interface CostlyReadsReport {
  spans: number;
  days: number;
  filterCost: Array<{ conditions: number; histogramMs: number; searchMs: number }>;
  /** Null with --skip-load. */
  ingest: {
    postSpans: number;
    idleMs: LatencySummary | null;
    underFourCostlySearchesMs: LatencySummary | null;
    costlySearches: { statuses: Record<string, number>; ms: LatencySummary | null };
  } | null;
  loadAverage: number[];
  machine: MachineInfo;
  at: string;
}

export function costlyReadsSections(report: CostlyReadsReport): ReportSection[] {
  const { ingest } = report;
  return [
    {
      title: `costly reads: DuckDB, ${int(report.spans)} spans over ${report.days} days; the OR'd CONTAINS filter as its conditions grow`,
      columns: ['histogram', 'search (newest 20)'],
      rows: report.filterCost.map((cost) => [`${cost.conditions} conditions`, `${int(cost.histogramMs)} ms`, `${int(cost.searchMs)} ms`]),
    },
    ...(ingest === null
      ? []
      : [
          {
            title: `ingest of ${ingest.postSpans}-span POSTs while four clients of the read token run the 127-condition search with its histogram`,
            rows: [
              ['POST p50 / p95 / p99, idle', latency(ingest.idleMs)],
              ['POST p50 / p95 / p99, under four costly searches', latency(ingest.underFourCostlySearchesMs)],
              ['costly searches: answers by status', Object.entries(ingest.costlySearches.statuses).map(([status, count]) => `${status}: ${int(count)}`).join(', ')],
              ['costly searches: p50 / p95 / p99', latency(ingest.costlySearches.ms)],
              ['load average (1, 5, 15 min) at the end', `${report.loadAverage.join(' / ')} (${report.machine.cpus} cores)`],
            ],
          } satisfies ReportSection,
        ]),
  ];
}
