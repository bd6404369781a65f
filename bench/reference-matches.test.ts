import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, traceMatches } from '@stitch/query';
import { buildPayloadPool, traceIdInRound } from './otlp-load.ts';
import { expectedMatches, poolTraces, roundsWritten } from './reference-matches.ts';
import { annotatedOrderId } from './search-cases.ts';
import { startInRound, type RoundLayout } from './span-rekey.ts';

const ANCHOR_MS = 1_764_000_000_000;
const pool = buildPayloadPool({ seed: 5, spans: 3_000, spansPerRequest: 512, anchorMs: ANCHOR_MS });
const traces = poolTraces(pool);
const layout: RoundLayout = { windowStartNs: BigInt(ANCHOR_MS - 3_600_000) * 1_000_000n, windowNs: 3_600_000_000_000n, rounds: 3 };

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
  assert.deepEqual(
    traces.flatMap((payloadTraces) => payloadTraces.map((trace) => trace.startNs)),
    pool.payloads.flatMap((payload) => payload.traces.map((trace) => BigInt(trace.startMs) * 1_000_000n)),
  );
});

test('every stored trace matches no expression; a matching pool trace counts once per round written', () => {
  const slots = pool.payloads.length * 2 + 1; // payload 0 three times, the others twice
  assert.equal(expectedMatches(traces, null, slots, layout).total, pool.traceCount * 2 + pool.payloads[0]!.traces.length);

  const orderId = annotatedOrderId(traces);
  const first = traces[0]![0]!.traceId;
  const byOrder = expectedMatches(traces, parseFilter(`annotation.order.id = "${orderId}"`), slots, layout);
  assert.equal(byOrder.total, 3);
  for (const round of [0, 1, 2, 77]) assert.ok(byOrder.includes(traceIdInRound(first, round)));
  assert.ok(!byOrder.includes(traces[0]![1]!.traceId));

  assert.equal(expectedMatches(traces, parseFilter('service("payments") { fault }'), slots, layout).total, 0, 'declines are errors, not faults');
});

test("a search's page: the newest matches of every round written, start descending, then trace id", () => {
  const slots = pool.payloads.length * 2 + 1;
  const slow = parseFilter('duration > 0.5');
  const stored = traces.flatMap((payloadTraces, index) =>
    payloadTraces.flatMap((trace) =>
      traceMatches(slow, trace.spans)
        ? Array.from({ length: roundsWritten(index, traces.length, slots) }, (_, round) => ({ traceId: traceIdInRound(trace.traceId, round), startNs: startInRound(trace.startNs, round, layout) }))
        : [],
    ),
  );
  stored.sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : a.traceId < b.traceId ? -1 : 1));
  const expected = expectedMatches(traces, slow, slots, layout);
  assert.equal(expected.total, stored.length);
  assert.ok(stored.length > 40, 'enough matches to page through');
  for (const limit of [1, 20, stored.length - 3, stored.length + 5]) assert.deepEqual(expected.newest(limit), stored.slice(0, limit), `limit ${limit}`);
  assert.deepEqual(expectedMatches(traces, parseFilter('duration > 1000'), slots, layout).newest(20), []);
});

test('a pool trace starting outside the window breaks the layout, and says so', () => {
  assert.throws(() => expectedMatches(traces, null, 1, { ...layout, windowStartNs: layout.windowStartNs + 1_800_000_000_000n }), /starts outside the window/);
});
