import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '@stitch/query';
import { buildPayloadPool, traceIdInRound } from './otlp-load.ts';
import { expectedMatches, poolTraces, roundsWritten } from './reference-matches.ts';
import { annotatedOrderId } from './search-cases.ts';

const pool = buildPayloadPool({ seed: 5, spans: 3_000, spansPerRequest: 512, anchorMs: 1_764_000_000_000 });
const traces = poolTraces(pool);

test('rounds written per payload, slot r * payloads + i being payload i of round r', () => {
  const cases: Array<[index: number, payloads: number, slots: number, rounds: number]> = [
    [0, 5, 0, 0],
    [0, 5, 1, 1],
    [1, 5, 1, 0],
    [4, 5, 5, 1],
    [0, 5, 6, 2],
    [1, 5, 6, 1],
    [2, 5, 12, 2],
  ];
  for (const [index, payloads, slots, rounds] of cases) assert.equal(roundsWritten(index, payloads, slots), rounds, `payload ${index} of ${payloads}, ${slots} slots`);
});

test('the pool decodes into its traces, whole', () => {
  assert.deepEqual(
    traces.map((payloadTraces) => payloadTraces.map((trace) => [trace.traceId, trace.spans.length])),
    pool.payloads.map((payload) => payload.traces.map((trace) => [trace.traceId, trace.spanCount])),
  );
});

test('every stored trace matches no expression; a matching pool trace counts once per round written', () => {
  const slots = pool.payloads.length * 2 + 1; // payload 0 three times, the others twice
  assert.equal(expectedMatches(traces, null, slots).total, pool.traceCount * 2 + pool.payloads[0]!.traces.length);

  const orderId = annotatedOrderId(traces);
  const first = traces[0]![0]!.traceId;
  const byOrder = expectedMatches(traces, parseFilter(`annotation.order.id = "${orderId}"`), slots);
  assert.equal(byOrder.total, 3);
  for (const round of [0, 1, 2, 77]) assert.ok(byOrder.includes(traceIdInRound(first, round)));
  assert.ok(!byOrder.includes(traces[0]![1]!.traceId));

  assert.equal(expectedMatches(traces, parseFilter('service("payments") { fault }'), slots).total, 0, 'declines are errors, not faults');
});
