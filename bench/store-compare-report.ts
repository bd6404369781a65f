import type { BenchOptions } from './bench-options.ts';
import { spanCountLabel } from './span-count.ts';
import type { LatencySummary } from './latency-stats.ts';
import type { MachineInfo } from './machine-info.ts';
import type { ReportRow, ReportSection } from './report-format.ts';
import type { BackendRun, StoreSizeResult } from './store-compare.ts';

// The stores phase's result file and tables: per size, DuckDB | ClickHouse | ClickHouse / DuckDB
// for every row; then each query's p50 from the smallest size to the largest, per backend.

export interface StoresReport {
  name: string;
  mode: BenchOptions['mode'];
  createdAt: string;
  machine: MachineInfo;
  parameters: { pool: BenchOptions['pool']; stores: BenchOptions['stores'] };
  sizes: StoreSizeResult[];
  /** Per backend and query: p50 ms at each size, in size order (null: no samples). */
  p50Growth: Record<BackendRun['backend'], Record<string, Array<number | null>>>;
}

export function buildStoresReport(header: Pick<StoresReport, 'name' | 'mode' | 'createdAt' | 'machine'>, options: BenchOptions, sizes: StoreSizeResult[]): StoresReport {
  const growth = (backend: BackendRun['backend']) => {
    const byQuery: Record<string, Array<number | null>> = {};
    for (const size of sizes) {
      for (const query of size.runs.find((run) => run.backend === backend)!.queries) (byQuery[query.name] ??= []).push(query.latencyMs?.p50 ?? null);
    }
    return byQuery;
  };
  return { ...header, parameters: { pool: options.pool, stores: options.stores }, sizes, p50Growth: { duckdb: growth('duckdb'), clickhouse: growth('clickhouse') } };
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;
const ratio = (ch: number | null | undefined, duck: number | null | undefined) => (ch == null || duck == null || duck === 0 ? '-' : `x${(ch / duck).toFixed(2)}`);
const latency = (s: LatencySummary | null) => (s === null ? 'no samples' : `${s.p50} / ${s.p95} / ${s.p99} ms`);

/** DuckDB | ClickHouse | ClickHouse / DuckDB. */
const row = (label: string, duck: string, ch: string, r: string): ReportRow => [label, duck, ch, r];

export function storesSections(report: StoresReport): ReportSection[] {
  const sections: ReportSection[] = [];
  const { shards, writers, batchSpans } = report.parameters.stores;
  const chName = shards === 1 ? 'ClickHouse 1 server' : `ClickHouse ${shards} shards`;
  for (const size of report.sizes) {
    const duck = size.runs.find((run) => run.backend === 'duckdb')!;
    const ch = size.runs.find((run) => run.backend === 'clickhouse')!;
    const rate = (r: BackendRun) => (half: 'sequential' | 'concurrent') => `${int(r.ingest[half].spansPerSecond)} spans/s`;
    const rss = ch.serverPeakRssBytes;
    sections.push({
      title: `stores at ${int(size.storedSpans)} spans (${report.mode}): DuckDB file vs ${chName}, both on disk, in-process through TraceStore; R = ${size.layout.rounds} rounds`,
      columns: ['DuckDB', chName, 'ClickHouse / DuckDB'],
      rows: [
        row(`ingest, 1 writer (first half, batches of ${int(batchSpans)})`, rate(duck)('sequential'), rate(ch)('sequential'), ratio(ch.ingest.sequential.spansPerSecond, duck.ingest.sequential.spansPerSecond)),
        row(`ingest, ${writers} writers in flight (second half)`, rate(duck)('concurrent'), rate(ch)('concurrent'), ratio(ch.ingest.concurrent.spansPerSecond, duck.ingest.concurrent.spansPerSecond)),
        row('ingest overall', `${int(duck.ingest.spansPerSecond)} spans/s`, `${int(ch.ingest.spansPerSecond)} spans/s`, ratio(ch.ingest.spansPerSecond, duck.ingest.spansPerSecond)),
        row('  cores busy (bench process + servers)', String(duck.ingest.coresBusy), String(ch.ingest.coresBusy), ratio(ch.ingest.coresBusy, duck.ingest.coresBusy)),
        row('bytes on disk per span', (duck.bytesOnDisk / size.storedSpans).toFixed(1), (ch.bytesOnDisk / size.storedSpans).toFixed(1), ratio(ch.bytesOnDisk, duck.bytesOnDisk)),
        row('  in all (ClickHouse: active parts)', mib(duck.bytesOnDisk), `${mib(ch.bytesOnDisk)}, ${ch.activeParts} parts`, ''),
        row('  ClickHouse data dirs (with outdated parts)', '', mib(ch.dataDirBytes ?? 0), ''),
        row('clickhouse-server peak RSS: ingest / all', '', rss ? `${mib(rss.afterIngest)} / ${mib(rss.afterQueries)}` : '-', ''),
        row('query p50 / p95 / p99 (ratio of p50)', '', '', ''),
        ...duck.queries.map((query, i) => {
          const other = ch.queries[i]!;
          return row(`  ${query.name} (n=${query.latencyMs?.count ?? 0}/${other.latencyMs?.count ?? 0})`, latency(query.latencyMs), latency(other.latencyMs), ratio(other.latencyMs?.p50, query.latencyMs?.p50));
        }),
        ...(size.mismatches.length === 0
          ? [row('answers (reference and each other)', 'all agree', '', '')]
          : size.mismatches.slice(0, 10).map((m): ReportRow => ['  WRONG', m])),
      ],
    });
  }
  if (report.sizes.length < 2) return sections;
  const labels = report.sizes.map((size) => spanCountLabel(size.targetSpans));
  for (const backend of ['duckdb', 'clickhouse'] as const) {
    sections.push({
      title: `${backend === 'duckdb' ? 'DuckDB' : chName}: p50 ms at ${labels.join(' -> ')} spans (last / first)`,
      columns: [...labels, 'last / first'],
      rows: Object.entries(report.p50Growth[backend]).map(([name, p50s]): ReportRow => {
        const first = p50s[0];
        const last = p50s[p50s.length - 1];
        return [name, ...p50s.map((p) => (p === null ? '-' : String(p))), ratio(last, first)];
      }),
    });
  }
  return sections;
}
