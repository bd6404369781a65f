import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spanDuration, spansToBatch, type Span } from '@stitch/model';
import { generatedTraffic } from './generated-traffic.ts';
import { autoStepMs, buildSeries } from './metric-series.ts';
import { SpanMetricsAggregator } from './span-metrics-aggregator.ts';

const START_MS = Date.parse('2030-04-01T12:00:00Z');
const spans = generatedTraffic(3, { startMs: START_MS, minutes: 30, count: 4_000 });

// Expectations computed from the spans here, by hand: entry spans, X-Ray's outcome flags, and the
// exact nearest-rank quantile. Tolerance: a quantile is at most the exact one and within 2 % of it.
const isEntry = (s: Span) => s.kind === 'server' || s.kind === 'consumer' || s.parentSpanId === null;
const isClientError = (s: Span) => s.http.statusCode !== null && s.http.statusCode >= 400 && s.http.statusCode < 500;
const isFault = (s: Span) => (s.http.statusCode !== null && s.http.statusCode >= 500) || (s.status.code === 'error' && !isClientError(s));
const ms = (s: Span) => Number(spanDuration(s)) / 1e6;
const exactQuantileMs = (durations: number[], q: number) => {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
};
function assertQuantile(reported: number | null, durations: number[], q: number): void {
  const exact = exactQuantileMs(durations, q);
  assert.ok(reported !== null && reported <= exact + 1e-9 && reported >= exact * 0.98, `p${q * 100} ${reported} ms within 2 % under ${exact} ms`);
}

function aggregated(): SpanMetricsAggregator {
  const aggregator = new SpanMetricsAggregator();
  aggregator.addSpans(spans.slice(0, 1_500));
  aggregator.addBatch(spansToBatch(spans.slice(1_500)));
  return aggregator;
}

describe('span metrics from generated spans', () => {
  test('one record per account, service, operation and minute of entry spans, counted as on the map', () => {
    const records = aggregated().drain();
    const entries = spans.filter(isEntry);
    assert.ok(entries.length < spans.length && entries.length > 2_000);
    assert.equal(records.reduce((sum, r) => sum + r.measurements.count, 0), entries.length);
    for (const record of records) {
      const own = entries.filter(
        (s) =>
          s.account.id === record.account &&
          s.resource.serviceName === record.service &&
          s.name === record.operation &&
          Math.floor(Number(s.startTimeUnixNano / 1_000_000n) / 60_000) * 60_000 === record.bucketStartMs,
      );
      assert.equal(record.measurements.count, own.length);
      assert.equal(record.measurements.errors, own.filter(isClientError).length);
      assert.equal(record.measurements.faults, own.filter(isFault).length);
      assert.equal(record.measurements.throttles, own.filter((s) => s.http.statusCode === 429).length);
      assert.equal(record.measurements.latencySumNanos, own.reduce((sum, s) => sum + spanDuration(s), 0n));
      assert.equal(record.accountLabel, own[0]!.account.label);
    }
  });

  test('latency by service across accounts, in 5-minute steps: counts, rates, mean and quantiles', () => {
    const series = buildSeries(aggregated().drain(), { startMs: START_MS, stepMs: 300_000, groupBy: 'service' });
    assert.deepEqual(series.map((s) => s.key.service).sort(), ['checkout', 'inventory', 'payments']);
    for (const { key, total, points } of series) {
      const own = spans.filter((s) => isEntry(s) && s.resource.serviceName === key.service);
      assert.equal(total.count, own.length);
      assertQuantile(total.p99Ms, own.map(ms), 0.99);
      assert.equal(points.length, 6);
      for (const point of points) {
        const inStep = own.filter((s) => {
          const startMs = Number(s.startTimeUnixNano / 1_000_000n);
          return startMs >= point.startMs && startMs < point.startMs + 300_000;
        });
        const durations = inStep.map(ms);
        assert.equal(point.count, inStep.length);
        assert.equal(point.errors, inStep.filter(isClientError).length);
        assert.equal(point.faults, inStep.filter(isFault).length);
        assert.equal(point.errorRate, inStep.filter(isClientError).length / inStep.length);
        assert.equal(point.faultRate, inStep.filter(isFault).length / inStep.length);
        assert.ok(Math.abs(point.avgMs! - durations.reduce((a, b) => a + b, 0) / durations.length) < 1e-6);
        assertQuantile(point.p50Ms, durations, 0.5);
        assertQuantile(point.p90Ms, durations, 0.9);
        assertQuantile(point.p99Ms, durations, 0.99);
      }
    }
    assert.ok(series[0]!.total.count >= series[1]!.total.count, 'busiest first');
  });

  test('grouped per account: each series names its account and label; the counts add up to the service series', () => {
    const records = aggregated().drain();
    const perAccount = buildSeries(records, { startMs: START_MS, stepMs: 1_800_000, groupBy: 'account' });
    const perService = buildSeries(records, { startMs: START_MS, stepMs: 1_800_000, groupBy: 'service' });
    assert.equal(perAccount.length, 2 * 3 * 3);
    for (const service of perService) {
      const parts = perAccount.filter((s) => s.key.service === service.key.service);
      assert.equal(parts.reduce((sum, s) => sum + s.total.count, 0), service.total.count);
    }
    const shop = perAccount.find((s) => s.key.account === '111111111111')!;
    assert.equal(shop.key.accountLabel, 'shop');
    assert.equal(shop.points.length, 1);
  });

  test('the step is the finest that keeps a window within 300 points', () => {
    assert.equal(autoStepMs(0, 3_600_000), 60_000);
    assert.equal(autoStepMs(0, 24 * 3_600_000), 300_000);
    assert.equal(autoStepMs(0, 7 * 24 * 3_600_000), 3_600_000);
  });
});
