import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, spansToBatch, type Attributes, type Span } from '@stitch/model';
import { cellsOfSpans, parseMetricsQuery, seriesOf, type MetricSeries, type MetricsRange } from '@stitch/query';
import type { MetricsQueryReads, StoreLifecycle, TraceWrites } from '@stitch/store';

export interface MetricsQueryContractOptions {
  /** A fresh, empty store. */
  newStore: () => Promise<TraceWrites & MetricsQueryReads & StoreLifecycle>;
}

const BASE = 1_930_000_000_000_000_000n;
const at = (ms: number) => nanos(BASE + BigInt(Math.round(ms * 1000)) * 1_000n);
const ACCOUNTS = ['111111111111', '222222222222'];

/** Spans over 70 s of three services, durations from microseconds to seconds, numeric attributes on some; some outside the 60 s range. */
function generated(): Span[] {
  const random = seededRandom(3001);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: 600 }, (_, i) => {
    const service = pick(['gateway', 'orders', 'fare']);
    const startMs = -5_000 + random() * 70_000;
    const attributes: Attributes = {};
    if (random() < 0.5) attributes['db.system'] = pick(['postgresql', 'redis']);
    if (random() < 0.5) attributes['db.rows'] = pick([0, 1, 3, 10, 2.5]);
    if (random() < 0.2) attributes['db.rows.text'] = '3';
    return makeSpan({
      traceId: `e1${(i % 150).toString(16).padStart(30, '0')}`,
      spanId: i.toString(16).padStart(16, '0'),
      // Trees: span i's parent is i - 150, of the same trace, perhaps in another account or before the range.
      parentSpanId: i >= 150 ? (i - 150).toString(16).padStart(16, '0') : null,
      name: pick(['GET /fares', 'SELECT orders', 'publish']),
      kind: pick(['server', 'client'] as const),
      status: { code: random() < 0.2 ? 'error' : 'unset', message: '' },
      startTimeUnixNano: at(startMs),
      endTimeUnixNano: at(startMs + pick([0.004, 0.9, 3, 40, 250, 1_200, 9_000])),
      attributes,
      resource: { serviceName: service, attributes: { 'service.name': service } },
      account: { id: service === 'fare' ? ACCOUNTS[1]! : ACCOUNTS[0]!, label: service },
    });
  });
}

const RANGE: MetricsRange = { startNanos: at(0), endNanos: at(60_000), stepNanos: 7_000_000_000n };

const QUERIES = [
  '{ } | count_over_time()',
  '{ status = error } | rate() by (resource.service.name)',
  '{ } | quantile_over_time(duration, .5, .9, .99, 1) by (span:name)',
  '{ kind = client } | avg_over_time(span.db.rows) by (span.db.system)',
  '{ } | sum_over_time(span.db.rows)',
  '{ } | min_over_time(duration) by (kind, status)',
  '{ } | max_over_time(span.db.rows) by (span.db.rows.text)',
  '{ } | histogram_over_time(duration) by (status)',
  '{ span.db.rows >= 3 } | count_over_time() by (span.db.rows)',
  '{ span:childCount > 0 } | count_over_time() by (resource.service.name)',
  '{ span:childCount = 0 && kind = server } | rate()',
];

/** Equal, sums and averages to 1e-9 of their size (the stores add in another order). */
function assertSameSeries(found: MetricSeries[], want: MetricSeries[], query: string): void {
  assert.deepEqual(found.map((series) => series.labels), want.map((series) => series.labels), query);
  found.forEach((series, i) =>
    series.points.forEach((point, step) => {
      const expected = want[i]!.points[step]!;
      if (point === null || expected === null) assert.equal(point, expected, `${query}: step ${step}`);
      else assert.ok(Math.abs(point - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${query}: step ${step} ${point} != ${expected}`);
    }),
  );
}

/** Metrics queries over spans: every store's series equal the reference's on the same spans. */
export function runMetricsQueryContract(name: string, options: MetricsQueryContractOptions): void {
  const spans = generated();
  describe(`metrics queries: ${name}`, () => {
    test('rate, counts, sums, averages, extremes, quantiles and histograms by fields match the reference', async () => {
      const store = await options.newStore();
      try {
        for (let i = 0; i < spans.length; i += 100) await store.writeBatch(spansToBatch(spans.slice(i, i + 100)));
        for (const text of QUERIES) {
          const query = parseMetricsQuery(text);
          const found = seriesOf(query, RANGE, await store.metricCells(query, RANGE));
          const want = seriesOf(query, RANGE, cellsOfSpans(query, spans, RANGE));
          assert.ok(want.length > 0 && want.some((series) => series.points.some((point) => point !== null && point !== 0)), `${text}: the case must count something`);
          assertSameSeries(found, want, text);
        }
        // A scoped reader's accounts only.
        const query = parseMetricsQuery('{ } | count_over_time() by (resource.service.name)');
        const scoped = seriesOf(query, RANGE, await store.metricCells(query, { ...RANGE, accounts: [ACCOUNTS[1]!] }));
        assert.deepEqual(scoped.map((series) => series.labels[0]!.value), ['fare']);
        assertSameSeries(scoped, seriesOf(query, RANGE, cellsOfSpans(query, spans.filter((span) => span.account.id === ACCOUNTS[1]), RANGE)), 'scoped');
      } finally {
        await store.close();
      }
    });
  });
}
