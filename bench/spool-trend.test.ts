import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROWTH_TOLERANCE_BATCHES, spoolTrend } from './spool-trend.ts';

const sizes = (...batches: number[]) => batches.map((count) => ({ batches: count, bytes: count * 50_000 }));

test('a spool that ends where it started, within the tolerance, is flat, whatever its peak', () => {
  const trend = spoolTrend(sizes(3, 40, 12, 3 + GROWTH_TOLERANCE_BATCHES));
  assert.deepEqual([trend.first.batches, trend.max.batches, trend.last.batches, trend.samples], [3, 40, 3 + GROWTH_TOLERANCE_BATCHES, 4]);
  assert.equal(trend.max.bytes, 2_000_000);
  assert.equal(trend.growing, false);
});

test('a spool that gains more than the tolerance is growing', () => {
  assert.equal(spoolTrend(sizes(3, 10, 4 + GROWTH_TOLERANCE_BATCHES)).growing, true);
  assert.throws(() => spoolTrend([]));
});
