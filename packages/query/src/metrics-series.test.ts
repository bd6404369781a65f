import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { FilterSyntaxError } from './filter-syntax-error.ts';
import { cellsOfSpans, seriesOf, stepCount, type MetricsRange } from './metrics-series.ts';
import { parseMetricsQuery } from './parser.ts';

const SECOND = 1_000_000_000n;
const range: MetricsRange = { startNanos: 100n * SECOND, endNanos: 130n * SECOND, stepNanos: 10n * SECOND };

/** A span starting `atSecond` after 0, lasting `ms`, of `service`. */
function span(atSecond: number, ms: number, service: string, attributes: Span['attributes'] = {}, status: 'unset' | 'error' = 'unset'): Span {
  const start = BigInt(Math.round(atSecond * 1e3)) * 1_000_000n;
  return makeSpan({
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + BigInt(ms) * 1_000_000n),
    resource: { serviceName: service, attributes: { 'service.name': service } },
    attributes,
    status: { code: status, message: '' },
  });
}

// Steps [100 s, 110 s), [110 s, 120 s), [120 s, 130 s); spans at 99 s and 130 s are outside.
const SPANS = [
  span(99, 5, 'a'),
  span(100, 10, 'a', { rows: 2 }),
  span(101, 20, 'a', { rows: 4 }, 'error'),
  span(105, 30, 'b'),
  span(109.999, 40, 'a', { rows: 'many' }),
  span(110, 50, 'b', { rows: 7 }, 'error'),
  span(125, 60, 'a'),
  span(130, 70, 'a'),
];

const series = (text: string) => {
  const query = parseMetricsQuery(text);
  return seriesOf(query, range, cellsOfSpans(query, SPANS, range)).map((found) => ({ labels: Object.fromEntries(found.labels.map((label) => [label.key, label.value])), points: found.points, spans: found.spans }));
};

describe('metrics queries: the reference, on spans counted by hand', () => {
  test('steps cover the window, the last one reaching past its end when it does not divide', () => {
    assert.equal(stepCount(range), 3);
    assert.equal(stepCount({ ...range, endNanos: 131n * SECOND }), 4);
  });

  test('count_over_time and rate per step, by service; a step without spans counts 0', () => {
    assert.deepEqual(series('{ } | count_over_time() by (resource.service.name)'), [
      { labels: { 'resource.service.name': 'a' }, points: [3, 0, 1], spans: 4 },
      { labels: { 'resource.service.name': 'b' }, points: [1, 1, 0], spans: 2 },
    ]);
    assert.deepEqual(series('{ status = error } | rate()'), [{ labels: {}, points: [0.1, 0.1, 0], spans: 2 }]);
  });

  test('sums, averages and extremes skip spans without a number, and have none (null) where no span has one', () => {
    assert.deepEqual(series('{ } | sum_over_time(span.rows)'), [{ labels: {}, points: [6, 7, null], spans: 6 }]);
    assert.deepEqual(series('{ } | avg_over_time(span.rows)'), [{ labels: {}, points: [3, 7, null], spans: 6 }]);
    assert.deepEqual(series('{ } | max_over_time(duration)'), [{ labels: {}, points: [40e6, 50e6, 60e6], spans: 6 }]);
  });

  test('quantiles by nearest rank: the value at position ceil(q × n)', () => {
    // Step 1 holds 10, 20, 30, 40 ms: p50 is the 2nd, p90 and p100 the 4th, p0 the 1st.
    assert.deepEqual(series('{ } | quantile_over_time(duration, 0, .5, .9, 1)'), [
      { labels: { p: 0 }, points: [10e6, 50e6, 60e6], spans: 6 },
      { labels: { p: 0.5 }, points: [20e6, 50e6, 60e6], spans: 6 },
      { labels: { p: 0.9 }, points: [40e6, 50e6, 60e6], spans: 6 },
      { labels: { p: 1 }, points: [40e6, 50e6, 60e6], spans: 6 },
    ]);
  });

  test('a histogram counts each duration under the least bound it does not exceed', () => {
    const buckets = series('{ } | histogram_over_time(duration)');
    const total = buckets.reduce((sum, found) => sum + found.points.reduce<number>((a, b) => a + (b ?? 0), 0), 0);
    assert.equal(total, 6);
    // Shortest bucket first, the one without a bound last.
    const bounds = buckets.map((found) => found.labels.le);
    assert.deepEqual(bounds, [...bounds].sort((a, b) => (a === null ? 1 : b === null ? -1 : (a as number) - (b as number))));
  });

  test('topk and bottomk keep, at each step, the series ranking among the n; a series never among them is dropped', () => {
    assert.deepEqual(series('{ } | count_over_time() by (resource.service.name) | topk(1)'), [
      { labels: { 'resource.service.name': 'a' }, points: [3, null, 1], spans: 4 },
      { labels: { 'resource.service.name': 'b' }, points: [null, 1, null], spans: 2 },
    ]);
    assert.deepEqual(series('{ } | count_over_time() by (resource.service.name) | bottomk(1)').map((found) => found.points), [[null, 0, null], [1, null, 0]]);
  });

  test('by a field that is a string on one span and absent on others: a group each, the absent one labelled null', () => {
    assert.deepEqual(
      series('{ } | count_over_time() by (span.rows)').map((found) => found.labels['span.rows']),
      [null, 2, 4, 7, 'many'],
    );
  });
});

describe('parseMetricsQuery', () => {
  test('reads TraceQL metrics queries', () => {
    const query = parseMetricsQuery('{ span:status = error } | quantile_over_time(span:duration, .99, .9, .5) by (resource.service.name, span:name)');
    assert.deepEqual(query.quantiles, [0.99, 0.9, 0.5]);
    assert.deepEqual(query.of, { kind: 'duration' });
    assert.deepEqual(query.by, [{ kind: 'field', field: 'service' }, { kind: 'field', field: 'name' }]);
    assert.equal(parseMetricsQuery('{ } | rate()').spans, null);
  });

  test('errors point at the column', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['rate()', 1, /starts with the spans it counts/],
      ['{ } rate()', 5, /a "\|" and a metrics function/],
      ['{ } | quantile_over_time(duration)', 34, /a "," and a quantile/],
      ['{ } | quantile_over_time(duration, 1.5)', 36, /a quantile from 0 to 1/],
      ['{ } | histogram_over_time(span.rows)', 7, /histogram_over_time\(\) counts durations/],
      ['{ } | rate() by (duration)', 18, /not a text field of a span/],
      ['{ } | average()', 7, /expected a metrics function/],
      ['{ trace:duration > 1s } | rate()', 1, /conditions on one span/],
      ['{ } | rate() | topk(0)', 21, /a whole number from 1/],
      ['{ } | rate() | top(3)', 16, /expected topk\(n\) or bottomk\(n\)/],
    ];
    for (const [text, column, message] of cases) {
      assert.throws(
        () => parseMetricsQuery(text),
        (error: unknown) => error instanceof FilterSyntaxError && message.test(error.message) && error.column === column,
        text,
      );
    }
  });
});
