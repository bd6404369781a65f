import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listedText, orderTraceList } from './trace-list.ts';
import type { TraceStatus } from './trace-summary.ts';

const trace = (traceId: string, startMs: number, durationMs: number, status: TraceStatus = 'ok') => ({ traceId, startTimeUnixNano: String(BigInt(startMs) * 1_000_000n), durationMs, status });

test('a results list: newest, oldest, slowest or fastest first, traces still arriving after the rest', () => {
  const traces = [trace('a', 1_000, 50), trace('b', 3_000, 10), trace('arriving', 9_000, 900, 'unknown'), trace('c', 2_000, 700, 'fault'), trace('late', 5_000, 5, 'unknown')];
  const ids = (order: Parameters<typeof orderTraceList>[1]) => orderTraceList(traces, order).map((t) => t.traceId);
  assert.deepEqual(ids('newest'), ['b', 'c', 'a', 'arriving', 'late']);
  assert.deepEqual(ids('oldest'), ['a', 'c', 'b', 'late', 'arriving']);
  assert.deepEqual(ids('slowest'), ['c', 'a', 'b', 'arriving', 'late']);
  assert.deepEqual(ids('fastest'), ['b', 'a', 'c', 'late', 'arriving']);
  assert.equal(traces[0]!.traceId, 'a', 'the given list is left as it was');
});

test('how many of how many matches a list shows', () => {
  assert.equal(listedText(20, 28), '20 of 28 traces');
  assert.equal(listedText(28, 28), '28 traces');
  assert.equal(listedText(1, 1), '1 trace');
  assert.equal(listedText(0, 0), '0 traces');
});
