// What latency percentiles cost (`node --import tsx bench/latency-sketch-cost.ts [--store duckdb|clickhouse]`):
// recording one duration into a series' measurements, filling 7 days of span metrics and of
// service-map rows, and reading 7 days back (metrics rolled up to hours as /api/metrics does,
// the map added up per node and edge). Only APIs older than the sketch, so the same script
// measures the version before it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildServiceMap, emptyMeasurements, measure, type GraphRecord } from '@stitch/graph';
import { buildSeries } from '@stitch/metrics';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { writeMinuteRecords } from './telemetry-data.ts';
import { Rng } from './otlp-load.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const OK = { status: { code: 'unset' as const, message: '' }, http: { method: null, route: null, url: null, statusCode: 200 } };

function recordingCost(): string {
  const rng = new Rng(7);
  // 1 µs to ~1 min, log-uniform: every bucket of the range in use.
  const durations = Array.from({ length: 1_000_000 }, () => BigInt(Math.round(1_000 * 6e4 ** (rng.next() * 1.5))));
  const series = Array.from({ length: 100 }, () => emptyMeasurements());
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < durations.length; i++) measure(series[i % 100]!, durations[i]!, OK);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / durations.length);
  }
  return `recording: ${best.toFixed(0)} ns a duration (best of 5 × 1M, 100 series)`;
}

/** 7 days of map rows: 12 nodes and edges a minute, 1–20 calls each, 5 ms to 1.5 s. */
function graphRecords(endMs: number): GraphRecord[][] {
  const rng = new Rng(3);
  const days: GraphRecord[][] = [];
  for (let day = 0; day < 7; day++) {
    const records: GraphRecord[] = [];
    for (let minute = endMs - (7 - day) * DAY_MS; minute < endMs - (6 - day) * DAY_MS; minute += MINUTE_MS) {
      for (let n = 0; n < 12; n++) {
        const ref = (i: number) => ({ account: 'a', accountLabel: 'a', service: `s${i}`, inferred: null, label: `s${i}` });
        const measurements = emptyMeasurements();
        for (let i = 1 + Math.floor(rng.next() * 20); i > 0; i--) measure(measurements, BigInt(Math.round((5 + rng.next() * 1_495) * 1e6)), OK);
        records.push({ bucketStartMs: minute, kind: n < 6 ? 'node' : 'edge', connection: 'sync', from: n < 6 ? null : ref(n - 6), to: ref(n % 6), measurements, roots: 0, examples: [] });
      }
    }
    days.push(records);
  }
  return days;
}

async function timed<T>(samples: number, work: () => Promise<T>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await work();
    times.push(Math.round(performance.now() - started));
  }
  return times.sort((a, b) => a - b);
}

async function duckdbCost(): Promise<string[]> {
  const dir = mkdtempSync('/tmp/stitch-sketch-cost-');
  try {
    const path = join(dir, 'cost.duckdb');
    const store = await openDuckDbStore({ path });
    const endMs = Math.floor(Date.parse('2030-01-08T00:00:00Z') / MINUTE_MS) * MINUTE_MS;
    let started = performance.now();
    await writeMinuteRecords(endMs, 7, 1, (records) => store.writeMetricRecords(records));
    const fillMetrics = Math.round(performance.now() - started);
    const days = graphRecords(endMs);
    started = performance.now();
    for (const records of days) for (let i = 0; i < records.length; i += 1_000) await store.writeGraphRecords(records.slice(i, i + 1_000));
    const fillGraph = Math.round(performance.now() - started);
    const startMs = endMs - 7 * DAY_MS;
    const metrics = await timed(5, async () => buildSeries(await store.readMetricRecords(startMs, endMs, undefined, HOUR_MS), { startMs, stepMs: HOUR_MS, groupBy: 'operation' }));
    const slo = await timed(5, async () => store.readMetricRecords(startMs, endMs, { service: 'checkout' }));
    const map = await timed(5, async () => buildServiceMap(await store.readGraphRecords(startMs, endMs), { startMs, endMs }));
    await store.close();
    return [
      `duckdb fill: 7 days of span metrics (302,400 records) ${fillMetrics} ms, of map rows (120,960) ${fillGraph} ms; file ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB`,
      `duckdb 7-day reads (5 each, sorted ms): metrics by operation in hours ${metrics.join(' ')}; one service's minutes (SLO-like) ${slo.join(' ')}; service map ${map.join(' ')}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(recordingCost());
for (const line of await duckdbCost()) console.log(line);
