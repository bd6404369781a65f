import type { LatencySummary } from './latency-stats.ts';

// The figures' formats and the shape of a printed table, shared by every report.

export const int = (value: number) => Math.round(value).toLocaleString('en-US');
export const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;
export const percentiles = (summary: LatencySummary | null) => (summary === null ? 'no samples' : `${summary.p50} / ${summary.p95} / ${summary.p99} ms (max ${summary.max}, n=${summary.count})`);

/** A label and its figures: one value, or one per column of its section. */
export type ReportRow = [label: string, ...values: string[]];

/** A titled table of figures: what `npm run bench` prints, and what bench/README.md shows of each result file. */
export interface ReportSection {
  title: string;
  /** The headings of the value columns, when the rows hold more than one value. */
  columns?: string[];
  rows: ReportRow[];
}
