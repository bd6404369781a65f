import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeGraphRecords, ServiceGraphAggregator } from '@stitch/graph';
import { makeSpan, nanos, spansToBatch, type Span } from '@stitch/model';
import { InMemoryStore } from '@stitch/store';
import { recordsOfWindow } from './map-window.ts';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % MINUTE);

/** One request a second for three minutes, stored and counted as central would. */
async function storeWithRequests(): Promise<{ store: InMemoryStore; spans: Span[] }> {
  const spans = Array.from({ length: 180 }, (_, i) =>
    makeSpan({ kind: 'server', startTimeUnixNano: nanos(BigInt(T0 + i * 1_000) * 1_000_000n), endTimeUnixNano: nanos(BigInt(T0 + i * 1_000 + 20) * 1_000_000n) }),
  );
  const store = new InMemoryStore();
  await store.writeBatch(spansToBatch(spans));
  const aggregator = new ServiceGraphAggregator();
  aggregator.add(spans, 0);
  aggregator.expire(Number.MAX_SAFE_INTEGER);
  await store.writeGraphRecords(aggregator.drain());
  return { store, spans };
}

const requestsIn = (records: Parameters<typeof mergeGraphRecords>[0]) => mergeGraphRecords(records).find((r) => r.kind === 'node')?.measurements.count ?? 0;

test('a settled window cut inside minutes counts exactly its requests, the cut minutes recounted from the stored spans', async () => {
  const { store } = await storeWithRequests();
  const window = { startMs: T0 + 42_500, endMs: T0 + 2 * MINUTE + 7_500 };
  const answer = await recordsOfWindow(store, window, T0 + 10 * MINUTE, T0 + 10 * MINUTE);
  assert.deepEqual(answer.window, window);
  assert.equal(answer.exact, true);
  assert.equal(requestsIn(answer.records), 85, 'requests at 43 s … 127 s');
});

test('a cut minute not settled yet is taken whole as counted so far (no recount that would settle waiting calls early), and says so', async () => {
  const { store } = await storeWithRequests();
  const nowMs = T0 + 2 * MINUTE + 30_000;
  const answer = await recordsOfWindow(store, { startMs: T0 + 42_500, endMs: nowMs }, T0 + 2 * MINUTE, nowMs);
  assert.equal(answer.exact, false);
  assert.deepEqual(answer.window, { startMs: T0 + 42_500, endMs: nowMs }, 'the window answered ends now, not in the future');
  assert.equal(requestsIn(answer.records), 137, 'from 43 s on, the last minute whole');
});
