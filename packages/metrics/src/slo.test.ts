import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyMeasurements, measure } from '@stitch/graph';
import { spanDuration, type Span } from '@stitch/model';
import { generatedTraffic } from './generated-traffic.ts';
import type { MetricRecord } from './metric-record.ts';
import { selects } from './metric-series.ts';
import type { SloDefinition } from './slo-definition.ts';
import { sloStatus } from './slo-status.ts';
import { burnRate, goodAndTotal } from './slo.ts';
import { SpanMetricsAggregator } from './span-metrics-aggregator.ts';

// Expected figures are computed from the spans by hand, never with the functions under test.
const ms = (s: Span) => Number(spanDuration(s)) / 1e6;
const isClientError = (s: Span) => s.http.statusCode !== null && s.http.statusCode >= 400 && s.http.statusCode < 500;
const isFault = (s: Span) => (s.http.statusCode !== null && s.http.statusCode >= 500) || (s.status.code === 'error' && !isClientError(s));
const measured = (spans: readonly Span[]) => {
  const m = emptyMeasurements();
  for (const span of spans) measure(m, spanDuration(span), span);
  return m;
};

const LATENCY = { kind: 'latency', thresholdMs: 2_000 } as const;
const spans = generatedTraffic(5, { startMs: Date.parse('2030-04-01T00:00:00Z'), minutes: 60, count: 3_000 });

describe('good and total requests of an objective', () => {
  test('success: every request without a fault is good (4xx are the caller\'s)', () => {
    assert.deepEqual(goodAndTotal({ kind: 'success' }, measured(spans)), { good: spans.filter((s) => !isFault(s)).length, total: spans.length });
  });

  test('latency: requests at or under the threshold, exact away from the straddling bucket', () => {
    const good = spans.filter((s) => ms(s) <= 2_000).length;
    assert.ok(good > 2_000 && good < 3_000);
    assert.deepEqual(goodAndTotal(LATENCY, measured(spans)), { good, total: spans.length });
  });

  test('latency: the sketch bucket straddling the threshold counts pro rata (linear interpolation)', () => {
    // Sketch buckets are [1.02^(k−1), 1.02^k) ns: 2 s lies in k = 1 + ⌊ln 2e9 / ln 1.02⌋, from 1.9805 s to 2.0201 s.
    const k = 1 + Math.floor(Math.log(2e9) / Math.log(1.02));
    const lower = Math.ceil(1.02 ** (k - 1));
    const upper = Math.ceil(1.02 ** k);
    assert.ok(lower < 2_010e6 && 2_010e6 < upper);
    const straddling = generatedTraffic(6, { startMs: 0, minutes: 1, count: 40, durationMs: () => 2_010 });
    const fast = generatedTraffic(7, { startMs: 0, minutes: 1, count: 60, durationMs: () => 300 });
    const { good, total } = goodAndTotal(LATENCY, measured([...straddling, ...fast]));
    assert.equal(total, 100);
    // Integer durations lower … upper − 1, of which those up to 2e9 are good.
    assert.ok(Math.abs(good - (60 + (40 * (2e9 - lower + 1)) / (upper - lower))) < 1e-6, String(good));
    // Tolerance: between the exact counts at thresholds 2 % lower and 2 % higher.
    assert.ok(good >= 60 && good <= 100);
  });

  test('latency of any length is counted (no last bucket); a zero threshold has no good request', () => {
    const slow = generatedTraffic(8, { startMs: 0, minutes: 1, count: 5, durationMs: () => 70_000 });
    assert.deepEqual(goodAndTotal({ kind: 'latency', thresholdMs: 600_000 }, measured(slow)), { good: 5, total: 5 });
    assert.deepEqual(goodAndTotal({ kind: 'latency', thresholdMs: 60_000 }, measured(slow)), { good: 0, total: 5 });
    assert.deepEqual(goodAndTotal({ kind: 'latency', thresholdMs: 0 }, measured(spans)), { good: 0, total: spans.length });
  });

  test('burn rate: the bad share over the share the target allows; null without requests', () => {
    const bad = spans.filter((s) => ms(s) > 2_000).length;
    const rate = burnRate({ objective: LATENCY, target: 0.99 }, measured(spans))!;
    assert.ok(Math.abs(rate - bad / spans.length / 0.01) < 1e-9);
    assert.equal(burnRate({ objective: { kind: 'success' }, target: 0.999 }, emptyMeasurements()), null);
  });
});

describe('the status of an SLO over its window', () => {
  const DAY = 86_400_000;
  const now = Date.parse('2030-04-08T15:42:00Z');
  const slo: SloDefinition = { id: 'checkout-latency', name: 'checkout p99 < 2 s', selector: { service: 'checkout' }, objective: LATENCY, target: 0.95, windowDays: 7 };
  // A week of traffic (some before the window), and a slow burst in the last half hour.
  const week = generatedTraffic(9, { startMs: now - 8 * DAY, minutes: 8 * 24 * 60, count: 6_000 });
  const burst = generatedTraffic(10, { startMs: now - 30 * 60_000, minutes: 30, count: 300, durationMs: () => 3_000 });
  const all = [...week, ...burst];
  const aggregator = new SpanMetricsAggregator();
  aggregator.addSpans(all);
  const records: MetricRecord[] = aggregator.drain().filter((r) => selects(slo.selector, r));
  const status = sloStatus(slo, records, now);

  const isEntry = (s: Span) => s.kind === 'server' || s.kind === 'consumer' || s.parentSpanId === null;
  const startMs = (s: Span) => Number(s.startTimeUnixNano / 1_000_000n);
  const served = (fromMs: number, toMs = now) => all.filter((s) => isEntry(s) && s.resource.serviceName === 'checkout' && startMs(s) >= fromMs && startMs(s) < toMs);
  const figures = (list: Span[]) => ({ total: list.length, good: list.filter((s) => ms(s) <= 2_000).length });

  test('total, good, compliance and the error budget left', () => {
    const { total, good } = figures(served(now - 7 * DAY));
    assert.equal(status.total, total);
    assert.equal(status.good, good);
    assert.equal(status.compliance, good / total);
    const allowedBad = 0.05 * total;
    assert.ok(Math.abs(status.errorBudget.allowedBad - allowedBad) < 1e-9);
    assert.equal(status.errorBudget.bad, total - good);
    assert.ok(Math.abs(status.errorBudget.remaining - (1 - (total - good) / allowedBad)) < 1e-9);
    assert.equal(status.met, good / total >= 0.95);
    assert.deepEqual(status.window, { startMs: now - 7 * DAY, endMs: now, days: 7 });
  });

  test('burn rates over 1 h, 6 h, 24 h and the window; the burst burns fastest over the last hour', () => {
    for (const [name, windowMs] of [['1h', 3_600_000], ['6h', 6 * 3_600_000], ['24h', DAY], ['window', 7 * DAY]] as const) {
      const { total, good } = figures(served(now - windowMs));
      assert.ok(Math.abs(status.burnRate[name]! - (total - good) / total / 0.05) < 1e-9, name);
    }
    assert.ok(status.burnRate['1h']! > status.burnRate['24h']! && status.burnRate['24h']! > status.burnRate.window!);
  });

  test('a daily series from the window start: each UTC day\'s figures and the budget left after it', () => {
    assert.equal(status.daily.length, 8, 'a partial first day, six whole days, and today');
    let runningTotal = 0;
    let runningGood = 0;
    for (const day of status.daily) {
      const dayStart = day.dayStartMs - (day.dayStartMs % DAY);
      const { total, good } = figures(served(Math.max(dayStart, now - 7 * DAY), Math.min(dayStart + DAY, now)));
      assert.equal(day.total, total);
      assert.equal(day.good, good);
      runningTotal += total;
      runningGood += good;
      assert.ok(Math.abs(day.budgetRemaining - (1 - (runningTotal - runningGood) / (0.05 * runningTotal))) < 1e-9);
    }
    assert.equal(status.daily.at(-1)!.budgetRemaining, status.errorBudget.remaining);
  });

  test('no requests: nothing is broken, the budget is whole, no burn rate', () => {
    const empty = sloStatus(slo, [], now);
    assert.deepEqual([empty.total, empty.compliance, empty.met, empty.errorBudget.remaining, empty.burnRate.window], [0, null, true, 1, null]);
  });
});
