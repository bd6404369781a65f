import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SeriesLabelJson } from '@stitch/api';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { cellsOfSpans, parseFilter, parseMetricsQuery, seriesOf, traceMatches, type MetricsRange } from '@stitch/query';
import { drillDownFilter } from './drill-down.ts';

describe("the filter that lists a series' traces", () => {
  const cases: Array<[string, SeriesLabelJson[], string]> = [
    ['{ status = error } | rate() by (resource.service.name)', [{ key: 'resource.service.name', value: 'checkout' }], '{ status = "error" AND resource.service.name = "checkout" }'],
    ['{ } | quantile_over_time(duration, .5, .99) by (span:name)', [{ key: 'name', value: 'GET /cart' }, { key: 'p', value: 0.99 }], '{ name = "GET /cart" }'],
    ['{ kind = client } | avg_over_time(span.db.rows) by (span.db.system)', [{ key: 'span.db.system', value: null }], '{ kind = "client" AND span.db.system = nil }'],
    ['{ } | count_over_time() by (http.route)', [{ key: 'http.route', value: null }], '{ NOT http.route =~ ".*" }'],
    ['{ } | count_over_time() by (.shard, span.retry)', [{ key: '.shard', value: 3 }, { key: 'span.retry', value: true }], '{ .shard = 3 AND span.retry = true }'],
    ['{ status = error || duration > 1s } | rate() by (resource.service.name)', [{ key: 'resource.service.name', value: 'pay"ments' }], '{ (status = "error" OR duration > 1000000000ns) AND resource.service.name = "pay\\"ments" }'],
    ['{ } | histogram_over_time(duration)', [{ key: 'le', value: 100 }], '{ duration >= 50000000ns AND duration < 100000000ns }'],
    ['{ } | histogram_over_time(duration) by (status)', [{ key: 'status', value: 'ok' }, { key: 'le', value: 0.1 }], '{ status = "ok" AND duration < 100000ns }'],
    ['{ } | histogram_over_time(duration)', [{ key: 'le', value: null }], '{ duration >= 500000000000ns }'],
    ['{ } | rate()', [], '{ }'],
    ['{ } | rate() by (resource.service.name) | topk(3)', [{ key: 'resource.service.name', value: 'checkout' }], '{ resource.service.name = "checkout" }'],
  ];
  for (const [query, labels, filter] of cases) it(`${query} ${JSON.stringify(labels)}`, () => assert.equal(drillDownFilter(parseMetricsQuery(query), labels), filter));

  it('refuses labels that are not the series of the query', () => {
    assert.throws(() => drillDownFilter(parseMetricsQuery('{ } | rate() by (resource.service.name)'), [{ key: 'span:name', value: 'x' }]), /do not follow by/);
  });
});

describe("a series' filter finds exactly the traces with a span counted into it", () => {
  const T0 = 1_764_000_000_000_000_000n;
  const MS = 1_000_000n;
  let traceNumber = 0;
  /** A trace of a root in one service and a child in another, with the given statuses, routes and durations (µs). */
  const trace = (root: [string, 'ok' | 'error', string | null, number], child: [string, 'ok' | 'error', string | null, number], attributes: Span['attributes'] = {}): Span[] => {
    traceNumber += 1;
    const traceId = `5f${String(traceNumber).padStart(30, '0')}`;
    const span = ([service, status, route, micros]: typeof root, spanId: string, parentSpanId: string | null): Span =>
      makeSpan({
        traceId,
        spanId,
        parentSpanId,
        name: route ?? 'work',
        startTimeUnixNano: nanos(T0 + BigInt(traceNumber) * 1000n * MS),
        endTimeUnixNano: nanos(T0 + BigInt(traceNumber) * 1000n * MS + BigInt(micros) * 1000n),
        status: { code: status, message: '' },
        http: { method: null, route, url: null, statusCode: null },
        attributes: parentSpanId === null ? {} : attributes,
        resource: { serviceName: service, attributes: { 'service.name': service } },
      });
    return [span(root, '00000000000000a1', null), span(child, '00000000000000a2', '00000000000000a1')];
  };
  const traces = [
    trace(['checkout', 'error', '/cart', 120_000], ['payments', 'ok', null, 80_000], { 'db.system': 'postgresql' }),
    trace(['checkout', 'ok', '/cart', 40_000], ['payments', 'error', null, 30_000], { 'db.system': 'redis', retry: true }),
    trace(['checkout', 'error', '/pay', 900_000], ['inventory', 'error', '/stock', 700_000]),
    trace(['payments', 'ok', '/charge', 3_000], ['pay"ments', 'error', null, 50], { shard: 3 }),
    trace(['inventory', 'ok', null, 55_000], ['inventory', 'ok', '/stock', 2_500_000], { retry: false }),
  ];
  const range: MetricsRange = { startNanos: T0, endNanos: T0 + 100_000n * MS, stepNanos: 10_000n * MS };
  const queries = [
    '{ status = error } | rate() by (resource.service.name)',
    '{ } | count_over_time() by (http.route)',
    '{ } | count_over_time() by (span.db.system, span.retry)',
    '{ } | quantile_over_time(duration, .5, .99) by (resource.service.name)',
    '{ status = ok } | histogram_over_time(duration) by (resource.service.name)',
    '{ kind = server } | max_over_time(duration) by (.shard)',
  ];
  for (const text of queries) {
    it(text, () => {
      const query = parseMetricsQuery(text);
      const series = seriesOf(query, range, cellsOfSpans(query, traces.flat(), range));
      assert.ok(series.length > 1, 'a query of several series');
      for (const { labels } of series) {
        const filter = parseFilter(drillDownFilter(query, labels));
        const expected = traces.filter((spans) => seriesOf(query, range, cellsOfSpans(query, spans, range)).some((own) => JSON.stringify(own.labels) === JSON.stringify(labels)));
        const found = traces.filter((spans) => traceMatches(filter, spans));
        assert.deepEqual(found.map((spans) => spans[0]!.traceId), expected.map((spans) => spans[0]!.traceId), `${drillDownFilter(query, labels)} for ${JSON.stringify(labels)}`);
      }
    });
  }
});
