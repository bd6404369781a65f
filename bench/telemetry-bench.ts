import { loadavg } from 'node:os';
import { round2 } from './latency-stats.ts';
import type { PayloadPool } from './otlp-load.ts';
import { runTelemetryIngest, type TelemetryIngestResult, type TelemetryIngestSpec } from './telemetry-ingest.ts';
import { runTelemetryQueries, type TelemetryQueryResult, type TelemetryQuerySpec } from './telemetry-queries.ts';

// Issue 10's telemetry on one machine: what counting at ingest costs (telemetry-ingest.ts), and
// how fast central answers span metrics, SLOs, the cost report and logs (telemetry-queries.ts).

export interface TelemetrySpec {
  ingest: TelemetryIngestSpec;
  queries: TelemetryQuerySpec;
}

export interface TelemetryResult {
  ingest: TelemetryIngestResult;
  queries: TelemetryQueryResult;
  /** The machine's 1-minute load average at the start, between the parts and at the end (other work may share it). */
  loadAverage: { start: number; afterIngest: number; end: number };
  /** Wrong answers and failed checks (the phase fails when any). */
  problems: string[];
}

const load1 = () => round2(loadavg()[0]!);

export async function runTelemetryBench(pool: PayloadPool, spec: TelemetrySpec, poolWindow: { startMs: number; endMs: number }, progress: (message: string) => void): Promise<TelemetryResult> {
  const start = load1();
  const ingest = await runTelemetryIngest(pool, spec.ingest, poolWindow, progress);
  const afterIngest = load1();
  const queries = await runTelemetryQueries(spec.queries, progress);
  return {
    ingest,
    queries,
    loadAverage: { start, afterIngest, end: load1() },
    problems: [...ingest.checks.problems.map((p) => `ingest: ${p}`), ...queries.problems],
  };
}
