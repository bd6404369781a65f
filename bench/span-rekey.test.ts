import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchToSpans, nanos } from '@stitch/model';
import { decodeOtlpTraces } from '@stitch/wire';
import { buildPayloadPool, payloadForRound, traceIdInRound } from './otlp-load.ts';
import { batchInRound, poolBatch, startInRound, type RoundLayout } from './span-rekey.ts';

const account = { id: 'bench', label: 'bench' };
const ANCHOR_MS = 1_764_000_000_000;
const pool = buildPayloadPool({ seed: 3, spans: 2_000, spansPerRequest: 256, anchorMs: ANCHOR_MS });
const HOUR_NS = 3_600_000_000_000n;
const layout: RoundLayout = { windowStartNs: BigInt(ANCHOR_MS) * 1_000_000n - HOUR_NS, windowNs: HOUR_NS, rounds: 7 };

test('a round re-keys the trace ids as the re-keyed payload decodes, and moves every span of a trace, events too, by one shift', () => {
  for (const payload of pool.payloads) {
    const base = decodeOtlpTraces(payload.body, 'protobuf', account).batch;
    const source = poolBatch(base);
    for (const round of [0, 1, 6]) {
      const moved = batchInRound(source, round, layout);
      assert.deepEqual(moved.traceId, decodeOtlpTraces(payloadForRound(payload, round), 'protobuf', account).batch.traceId);
      const shiftOf = new Map(payload.traces.map((trace) => {
        const startNs = BigInt(trace.startMs) * 1_000_000n;
        return [traceIdInRound(trace.traceId, round), startInRound(startNs, round, layout) - startNs];
      }));
      const expected = batchToSpans(base).map((span) => {
        const traceId = traceIdInRound(span.traceId, round);
        const shift = shiftOf.get(traceId)!;
        return {
          ...span,
          traceId,
          startTimeUnixNano: nanos(span.startTimeUnixNano + shift),
          endTimeUnixNano: nanos(span.endTimeUnixNano + shift),
          events: span.events.map((event) => ({ ...event, timeUnixNano: nanos(event.timeUnixNano + shift) })),
        };
      });
      assert.deepEqual(batchToSpans(moved), expected);
    }
  }
  assert.ok(batchToSpans(decodeOtlpTraces(pool.payloads[0]!.body, 'protobuf', account).batch).length > 0);
  assert.ok(pool.payloads.some((payload) => batchToSpans(decodeOtlpTraces(payload.body, 'protobuf', account).batch).some((span) => span.events.length > 0)), 'some events to move');
});

test('round r of R starts its traces in the r-th 1/R of the window, in the order the pool starts them', () => {
  const starts = pool.payloads.flatMap((payload) => payload.traces.map((trace) => BigInt(trace.startMs) * 1_000_000n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const slice = layout.windowNs / BigInt(layout.rounds);
  let previousEnd = layout.windowStartNs;
  for (let round = 0; round < layout.rounds; round++) {
    const moved = starts.map((startNs) => startInRound(startNs, round, layout));
    assert.ok(moved.every((startNs, i) => i === 0 || startNs >= moved[i - 1]!), 'order kept');
    assert.ok(moved[0]! >= previousEnd, `round ${round} starts after round ${round - 1}`);
    assert.ok(moved[0]! >= layout.windowStartNs + slice * BigInt(round) && moved.at(-1)! < layout.windowStartNs + slice * BigInt(round + 1) + 1n);
    previousEnd = moved.at(-1)!;
  }
  assert.equal(startInRound(layout.windowStartNs, 0, { ...layout, rounds: 1 }), layout.windowStartNs);
  assert.equal(startInRound(12_345n + layout.windowStartNs, 0, { ...layout, rounds: 1 }), 12_345n + layout.windowStartNs, 'one round: as generated');
});
