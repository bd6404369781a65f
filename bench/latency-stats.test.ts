import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, summarizeLatencies } from './latency-stats.ts';

test('nearest-rank percentiles pick observed samples', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(oneToHundred, 50), 50);
  assert.equal(percentile(oneToHundred, 99), 99);
  assert.equal(percentile(oneToHundred, 100), 100);
  assert.equal(percentile([7], 99), 7);
  // 30 samples: p99 is the largest one, p50 the 15th
  const thirty = Array.from({ length: 30 }, (_, i) => (i + 1) * 10);
  assert.equal(percentile(thirty, 99), 300);
  assert.equal(percentile(thirty, 50), 150);
});

test('summaries sort their input, round to 0.01 ms and report nothing for no samples', () => {
  const summary = summarizeLatencies([3.14159, 1, 2, 10, 4]);
  assert.deepEqual(summary, { count: 5, p50: 3.14, p95: 10, p99: 10, max: 10, mean: 4.03 });
  assert.equal(summarizeLatencies([]), null);
});
