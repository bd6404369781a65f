import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pointAt, trendGeometry } from './p99-trend.ts';

const MIN = 60_000;
const window = { startMs: 0, endMs: 60 * MIN };

test('the line fills the width from the first step with data, and breaks where a step had no requests', () => {
  // A central started 55 minutes into the hour: steps at minutes 55 to 59, the 57th without requests.
  const points = [55, 56, 57, 58, 59].map((minute) => ({ startMs: minute * MIN, value: minute === 57 ? null : minute === 58 ? 400 : 100 }));
  const geometry = trendGeometry(points, window, 200, 40)!;
  assert.equal(geometry.fromMs, 55 * MIN, 'not from the window start');
  assert.equal(geometry.topValue, 400);
  assert.deepEqual(geometry.runs, [
    [[0, 30], [40, 30]],
    [[120, 0], [160, 30]],
  ]);
  assert.equal(pointAt(points, geometry, 200, 118)!.startMs, 58 * MIN);
  assert.equal(pointAt(points, geometry, 200, 75)!.startMs, 56 * MIN, 'the nearest step with data');
});

test('data from the window start keeps the window; no data draws nothing', () => {
  assert.equal(trendGeometry([{ startMs: 0, value: 5 }, { startMs: 30 * MIN, value: 0 }], window, 100, 10)!.fromMs, 0);
  assert.equal(trendGeometry([{ startMs: 0, value: null }], window, 100, 10), null);
  assert.equal(trendGeometry([{ startMs: 0, value: 0 }, { startMs: MIN, value: 0 }], window, 100, 10)!.topValue, 1, 'all zero: a flat line at the bottom');
});
