import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeTrace } from '@stitch/model';
import { hourOfCheckouts } from './federation-traffic.ts';

test('an hour of checkouts: six blocks of distinct traces, oldest first, starting in the hour, 1 in 100 slow', () => {
  const hour = hourOfCheckouts(600, 1);
  assert.equal(hour.traces.length, 600);
  assert.equal(new Set(hour.traces.map((trace) => trace[0]!.traceId)).size, 600);
  assert.equal(hour.spanCount, hour.traces.flat().length);
  assert.deepEqual(hour.accounts.map((a) => a.label), ['edge', 'checkout', 'catalog', 'payments', 'notifications']);
  assert.equal(hour.window.endMs - hour.window.startMs, 3_600_000);
  const starts = hour.traces.map((trace) => Number(summarizeTrace(trace)!.startTimeUnixNano / 1_000_000n));
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  assert.ok(starts[0]! >= hour.window.startMs && starts[starts.length - 1]! < hour.window.endMs);
  // Every ten minutes of the hour holds a sixth of the traces.
  const perBlock = Array.from({ length: 6 }, (_, k) => starts.filter((ms) => Math.floor((ms - hour.window.startMs) / 600_000) === k).length);
  assert.deepEqual(perBlock, [100, 100, 100, 100, 100, 100]);
  const slow = hour.traces.filter((trace) => summarizeTrace(trace)!.durationNanos > 8_000_000_000n).length;
  assert.equal(slow, hour.slowTraces);
  assert.equal(slow, 24); // the minimum of 4 per block
});
