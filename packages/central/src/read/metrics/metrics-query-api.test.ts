import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, spansToBatch } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const NOW_MS = 1_900_000_020_000;
const START_MS = 1_900_000_000_000;
const at = (ms: number) => nanos(BigInt(START_MS + ms) * 1_000_000n);

describe('metrics query API', () => {
  let central: TestCentral;
  const get = async (query: Record<string, string>) => {
    const response = await fetch(`${central.url}/api/metrics/query_range?${new URLSearchParams(query)}`);
    return { status: response.status, body: await response.json() };
  };

  before(async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    // Four spans of checkout, two of them errors, and one of pricing, in the first 10 s; one more checkout span at 15 s.
    const span = (n: number, ms: number, durationMs: number, service: string, error = false) =>
      makeSpan({
        traceId: n.toString(16).padStart(32, 'c'),
        spanId: n.toString(16).padStart(16, '0'),
        startTimeUnixNano: at(ms),
        endTimeUnixNano: at(ms + durationMs),
        status: { code: error ? 'error' : 'unset', message: '' },
        resource: { serviceName: service, attributes: { 'service.name': service } },
      });
    await store.writeBatch(spansToBatch([span(1, 0, 10, 'checkout'), span(2, 1_000, 20, 'checkout', true), span(3, 2_000, 30, 'checkout', true), span(4, 3_000, 40, 'checkout'), span(5, 4_000, 50, 'pricing'), span(6, 15_000, 60, 'checkout')]));
    central = await startTestCentral({ store, now: () => NOW_MS });
  });
  after(() => central.stop());

  test('a rate by service over 10 s steps, each point at its step start', async () => {
    const { status, body } = await get({ q: '{ } | rate() by (resource.service.name)', start: String(START_MS), end: String(START_MS + 20_000), step: '10s' });
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.series, [
      { labels: [{ key: 'resource.service.name', value: 'checkout' }], points: [{ tMs: START_MS, value: 0.4 }, { tMs: START_MS + 10_000, value: 0.1 }], spans: 5 },
      { labels: [{ key: 'resource.service.name', value: 'pricing' }], points: [{ tMs: START_MS, value: 0.1 }, { tMs: START_MS + 10_000, value: 0 }], spans: 1 },
    ]);
    assert.equal(body.query.stepMs, 10_000);
  });

  test('quantiles of the errors, by nearest rank; a step without one is null', async () => {
    const { body } = await get({ q: '{ status = error } | quantile_over_time(duration, .5, 1)', start: String(START_MS), end: String(START_MS + 20_000), step: '10s' });
    assert.deepEqual(
      body.series.map((series: { labels: unknown; points: Array<{ value: number | null }> }) => [series.labels, series.points.map((point) => point.value)]),
      [
        [[{ key: 'p', value: 0.5 }], [20e6, null]],
        [[{ key: 'p', value: 1 }], [30e6, null]],
      ],
    );
  });

  test('without a step, the window is cut into at most 300 points; limit keeps the series with the most spans and says so', async () => {
    const auto = await get({ q: '{ } | count_over_time()', start: String(START_MS), end: String(START_MS + 3_600_000) });
    assert.equal(auto.body.query.stepMs, 15_000);
    assert.equal(auto.body.series[0].points.length, 240);
    const limited = await get({ q: '{ } | count_over_time() by (resource.service.name)', start: String(START_MS), limit: '1' });
    assert.deepEqual(limited.body.series.map((series: { labels: Array<{ value: string }> }) => series.labels[0]!.value), ['checkout']);
    assert.match(limited.body.partial.stoppedAt[0], /series: the 1 with the most spans of 2/);
  });

  test('bad input is a 400 naming the parameter', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /^q: a metrics query is required/],
      [{ q: '{ } | rate( by' }, /^q: column 13: expected a closing "\)" after rate\(/],
      [{ q: 'fault' }, /^q: column 1: a metrics query starts with the spans/],
      [{ q: '{ } | rate()', step: '1ms' }, /^step: 1 ms cuts the window into 3600000 steps; at most 2000/],
      [{ q: '{ } | rate()', step: 'often' }, /^step:/],
      [{ q: '{ } | rate()', colour: 'red' }, /^colour: unknown parameter/],
    ];
    for (const [query, error] of cases) {
      const { status, body } = await get(query);
      assert.equal(status, 400, JSON.stringify(query));
      assert.match(body.error, error, JSON.stringify(query));
    }
  });
});
