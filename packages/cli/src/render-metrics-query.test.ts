import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetricsQuery } from '@stitch/query';
import { renderMetricsQuery, sparkline } from './render-metrics-query.ts';

test('a sparkline scales each series to its own range and leaves steps without a value blank', () => {
  assert.equal(sparkline([0, 5, 10, null, 10]), '▁▅█ █');
  assert.equal(sparkline([3, 3]), '▁▁');
  assert.equal(sparkline([null, null]), '  ');
  // 240 points of an hour in 15 s steps: 48 bars, each the average of five.
  const hour = Array.from({ length: 240 }, (_, i) => (i < 230 ? null : i));
  assert.equal(sparkline(hour), `${' '.repeat(46)}▁█`);
});

test('a row per series: its labels, then the least, average, greatest and last value, in the unit of the query', () => {
  const answer = {
    series: [
      { labels: [{ key: 'resource.service.name', value: 'checkout' }, { key: 'p', value: 0.99 }], points: [{ tMs: 0, value: 2e6 }, { tMs: 60_000, value: 4e6 }], spans: 2 },
      { labels: [{ key: 'resource.service.name', value: null }, { key: 'p', value: 0.99 }], points: [{ tMs: 0, value: null }, { tMs: 60_000, value: 1.5e9 }], spans: 1 },
    ],
    query: { q: '{ } | quantile_over_time(duration, .99) by (resource.service.name)', start: '0', end: '120000', stepMs: 60_000 },
  };
  const lines = renderMetricsQuery(answer, parseMetricsQuery(answer.query.q)).split('\n');
  assert.match(lines[1]!, /1970-01-01T00:00:00.000Z .. 1970-01-01T00:02:00.000Z, steps of 1m/);
  assert.match(lines[2]!, /^RESOURCE.SERVICE.NAME\s+P\s+MIN\s+AVG\s+MAX\s+LAST\s+OVER TIME$/);
  assert.match(lines[3]!, /^checkout\s+0\.99\s+2\.0 ms\s+3\.0 ms\s+4\.0 ms\s+4\.0 ms\s+▁█$/);
  assert.match(lines[4]!, /^\(none\)\s+0\.99\s+1\.5 s\s+1\.5 s\s+1\.5 s\s+1\.5 s\s+ ▁$/);
});

test('a rate reads per second; no series says no span matched', () => {
  const empty = { series: [] as Array<{ labels: []; points: Array<{ tMs: number; value: number }>; spans: number }>, query: { q: '{ } | rate()', start: '0', end: '60000', stepMs: 60_000 } };
  assert.match(renderMetricsQuery(empty, parseMetricsQuery('{ } | rate()')), /no spans match in this window$/);
  const rate = { series: [{ labels: [], points: [{ tMs: 0, value: 0.25 }], spans: 15 }], query: empty.query };
  assert.match(renderMetricsQuery(rate, parseMetricsQuery('{ } | rate()')), /0\.25\/s\s+0\.25\/s\s+0\.25\/s\s+0\.25\/s/);
});
