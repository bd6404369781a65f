import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceMap, ServiceGraphAggregator, type GraphRecord } from '@stitch/graph';
import { buildSeries, goodAndTotal, SpanMetricsAggregator, totalOf } from '@stitch/metrics';
import { makeSpan, nanos, seededRandom, type Span } from '@stitch/model';
import type { MetricStore, StoreLifecycle, TraceStore } from '@stitch/store';

// Percentiles as a user reads them (the service map's nodes and edges, /api/metrics' series and
// steps, an SLO's good requests), from spans whose durations are known, through a real store:
// written minute by minute in several flushes, read back summed over a window.
// Tolerances: a percentile is at most the exact nearest-rank one of the raw durations and less
// than 2 % below it; an SLO's good count lies between the exact counts at thresholds 2 % lower
// and 2 % higher. Counts are exact.

type LatencyStore = MetricStore & Pick<TraceStore, 'writeGraphRecords' | 'readGraphRecords'> & StoreLifecycle;

const MINUTE_MS = 60_000;
const START_MS = Date.parse('2030-04-01T09:00:00Z');
const MINUTES = 12;
const account = { id: '111111111111', label: 'shop' };
const resource = (service: string) => ({ serviceName: service, attributes: { 'service.name': service } });

/** Durations from 1 µs to minutes: cache hits, a bimodal body (20 ms and 300 ms), a Pareto tail, a few zeros. */
function durationNs(random: () => number): bigint {
  const r = random();
  if (r < 0.01) return 0n;
  if (r < 0.15) return BigInt(Math.round(1_000 + random() * 80_000));
  if (r < 0.55) return BigInt(Math.round(20e6 * (1 + 0.3 * random())));
  if (r < 0.9) return BigInt(Math.round(300e6 * (1 + 0.4 * random())));
  return BigInt(Math.min(4 * MINUTE_MS * 1e6, Math.round(30e6 / (1 - random()) ** 1.3)));
}

/** Traces frontend → api (a client call and the server span it reaches), and one 10.0 s request to reports. */
function generatedTraces(seed: number, count: number): Span[][] {
  const random = seededRandom(seed);
  const traces: Span[][] = [];
  for (let i = 0; i < count; i++) {
    const startNs = BigInt(START_MS + Math.floor(random() * MINUTES * MINUTE_MS)) * 1_000_000n;
    const serverNs = durationNs(random);
    const clientNs = serverNs + BigInt(Math.floor(random() * 2_000_000));
    const traceId = (i + 1).toString(16).padStart(32, '0');
    const id = (n: number) => (i * 3 + n + 1).toString(16).padStart(16, '0');
    const span = (spanId: string, parentSpanId: string | null, kind: Span['kind'], service: string, name: string, from: bigint, ns: bigint) =>
      makeSpan({ traceId, spanId, parentSpanId, kind, name, resource: resource(service), account, startTimeUnixNano: nanos(from), endTimeUnixNano: nanos(from + ns) });
    traces.push([
      span(id(0), null, 'server', 'frontend', 'GET /', startNs, clientNs + 1_000_000n),
      span(id(1), id(0), 'client', 'frontend', 'GET /items', startNs + 500_000n, clientNs),
      span(id(2), id(1), 'server', 'api', 'GET /items', startNs + 500_000n + (clientNs - serverNs) / 2n, serverNs),
    ]);
  }
  const reportAt = BigInt(START_MS + 5 * MINUTE_MS + 1_234) * 1_000_000n;
  traces.push([makeSpan({ traceId: 'f'.repeat(32), spanId: 'f'.repeat(16), kind: 'server', name: 'GET /report', resource: resource('reports'), account, startTimeUnixNano: nanos(reportAt), endTimeUnixNano: nanos(reportAt + 10_000_000_000n) })]);
  return traces;
}

const byValue = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
function exactQuantile(durations: readonly bigint[], q: number): bigint {
  const sorted = [...durations].sort(byValue);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}
const duration = (span: Span) => span.endTimeUnixNano - span.startTimeUnixNano;

function assertWithin(reportedNanos: bigint | number | null, durations: readonly bigint[], q: number, what: string): void {
  const truth = exactQuantile(durations, q);
  const reported = reportedNanos === null ? null : BigInt(Math.round(Number(reportedNanos)));
  assert.ok(
    reported !== null && reported <= truth && Number(truth - reported) <= 0.02 * Number(truth),
    `${what} p${q * 100}: ${reported} ns should be at most the exact ${truth} ns and within 2 % of it`,
  );
}

/** The records of each minute as central writes them: several flushes, a minute's records split across them. */
async function writeInFlushes<T>(records: T[], write: (records: T[]) => Promise<void>): Promise<void> {
  const third = Math.ceil(records.length / 3);
  for (let i = 0; i < records.length; i += third) await write(records.slice(i, i + third));
}

/** The latency-truth contract, run against every backend (in memory, DuckDB, ClickHouse). */
export function runLatencyTruthContract(name: string, options: { newStore: () => Promise<LatencyStore> }): void {
  describe(`latency percentiles against the raw durations: ${name}`, () => {
    const traces = generatedTraces(24, 3_000);
    const spans = traces.flat();
    const served = (service: string, from = START_MS, to = START_MS + MINUTES * MINUTE_MS) =>
      spans.filter((s) => s.kind === 'server' && s.resource.serviceName === service && Number(s.startTimeUnixNano / 1_000_000n) >= from && Number(s.startTimeUnixNano / 1_000_000n) < to).map(duration);
    const calls = spans.filter((s) => s.kind === 'client').map(duration);
    const window = { startMs: START_MS, endMs: START_MS + MINUTES * MINUTE_MS };

    test('the service map: nodes and edges within 2 % under the exact percentiles; one 10.0 s call gives p99 ≤ 10.0 s', async () => {
      const store = await options.newStore();
      try {
        // Spans in two halves, each counted and flushed the way central's aggregator does.
        for (const half of [traces.slice(0, 1_500), traces.slice(1_500)]) {
          const aggregator = new ServiceGraphAggregator({ pairWaitMs: 1_000 });
          aggregator.add(half.flat(), 0);
          aggregator.expire(60_000);
          await writeInFlushes<GraphRecord>(aggregator.drain(), (records) => store.writeGraphRecords(records));
        }
        const map = buildServiceMap(await store.readGraphRecords(window.startMs, window.endMs), window);
        const node = (service: string) => map.nodes.find((n) => n.service === service && n.inferred === null)!;
        const edge = map.edges.find((e) => e.from === node('frontend').id && e.to === node('api').id)!;
        assert.equal(node('api').stats.requests, 3_000);
        assert.equal(edge.stats.requests, 3_000);
        for (const q of [0.5, 0.95, 0.99]) {
          const key = q === 0.5 ? 'p50Nanos' : q === 0.95 ? 'p95Nanos' : 'p99Nanos';
          assertWithin(node('api').stats[key], served('api'), q, 'node api');
          assertWithin(edge.stats[key], calls, q, 'edge frontend → api');
          assertWithin(node('frontend').stats[key], served('frontend'), q, 'node frontend');
        }
        assertWithin(node('reports').stats.p99Nanos, [10_000_000_000n], 0.99, 'the single 10.0 s request');
      } finally {
        await store.close();
      }
    });

    test('/api/metrics: series and steps within 2 % under the exact percentiles; SLO good counts within 2 % of the threshold', async () => {
      const store = await options.newStore();
      try {
        for (const half of [traces.slice(0, 1_500), traces.slice(1_500)]) {
          const aggregator = new SpanMetricsAggregator();
          aggregator.addSpans(half.flat());
          await writeInFlushes(aggregator.drain(), (records) => store.writeMetricRecords(records));
        }
        const stepMs = 4 * MINUTE_MS;
        const records = await store.readMetricRecords(window.startMs, window.endMs, undefined, stepMs);
        const series = buildSeries(records, { startMs: window.startMs, stepMs, groupBy: 'service' });
        for (const service of ['api', 'frontend', 'reports']) {
          const one = series.find((s) => s.key.service === service)!;
          assert.equal(one.total.count, served(service).length);
          for (const q of [0.5, 0.9, 0.99]) {
            const key = q === 0.5 ? 'p50Ms' : q === 0.9 ? 'p90Ms' : 'p99Ms';
            assertWithin(one.total[key]! * 1e6, served(service), q, `${service} over the window`);
            for (const point of one.points) assertWithin(point[key]! * 1e6, served(service, point.startMs, point.startMs + stepMs), q, `${service} step ${point.startMs}`);
          }
        }
        const api = totalOf(await store.readMetricRecords(window.startMs, window.endMs, { service: 'api' }));
        const exactUnder = (ns: number) => served('api').filter((d) => Number(d) <= ns).length;
        for (const thresholdMs of [0.05, 21, 25, 300, 400, 2_000, 10_000]) {
          const { good, total } = goodAndTotal({ kind: 'latency', thresholdMs }, api);
          assert.equal(total, 3_000);
          const ns = thresholdMs * 1e6;
          assert.ok(good >= exactUnder(ns / 1.02) && good <= exactUnder(ns * 1.02), `${thresholdMs} ms: ${good} good, exact ${exactUnder(ns / 1.02)} at −2 %, ${exactUnder(ns * 1.02)} at +2 %`);
        }
      } finally {
        await store.close();
      }
    });
  });
}
