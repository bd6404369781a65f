import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanBatch } from '@stitch/model';
import { InMemoryTraceStore } from '@stitch/store';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { startTestCentral } from '../test-support/start-test-central.ts';

const otlpJson = (traceId: string) =>
  JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: '00f067aa0ba902b7', name: 'x', startTimeUnixNano: '1764000000000000000', endTimeUnixNano: '1764000000000000001' }] }] }] });

test('when the store fails, ingest answers 503 with Retry-After (OTLP exporters retry) and central keeps serving', async (t) => {
  const store = await openDuckDbStore({ path: ':memory:' });
  const central = await startTestCentral({ store });
  t.after(() => central.close());
  await store.close(); // the store goes away under a running central

  const response = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson('ab'.repeat(16)) });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('retry-after'), '2');
  assert.match((await response.json()).message, /store unavailable/);
  const query = await fetch(`${central.url}/api/traces/${'ab'.repeat(16)}`);
  assert.equal(query.status, 503);
  assert.equal((await fetch(`${central.url}/api/health`)).status, 200);
});

/** The in-memory store whose writes wait until the test opens the gate: a store that has fallen behind. */
class GatedStore extends InMemoryTraceStore {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
  override async writeBatch(batch: SpanBatch): Promise<void> {
    await this.gate;
    return super.writeBatch(batch);
  }
}

test('when ingest is backed up beyond its limit, new batches get 503 with Retry-After, not an unbounded queue', async (t) => {
  const store = new GatedStore();
  // No span may wait for the store beyond the two writes in flight.
  const central = await startTestCentral({ store, maxPendingSpans: 0 });
  t.after(() => central.stop());
  const post = (n: number) => fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson(String(n).padStart(32, 'd')) });
  const health = async () => (await (await fetch(`${central.url}/api/health`)).json()) as { pendingSpans: number };

  const inFlight = [post(1), post(2)];
  const queued = [];
  // The first two occupy the write lanes; the next one waits in the queue.
  while ((await health()).pendingSpans === 0) {
    queued.push(post(3 + queued.length));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const refused = await post(99);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '1');
  assert.match((await refused.json()).message, /^ingest: over 0 spans are waiting for the store \(the limit of spans waiting\)/);

  store.release();
  const accepted = await Promise.all([...inFlight, ...queued]);
  for (const [i, answer] of accepted.entries()) {
    if (answer.status === 503) continue; // turned away too, before the queue drained
    assert.equal(answer.status, 200);
    assert.equal((await fetch(`${central.url}/api/traces/${String(i + 1).padStart(32, 'd')}`)).status, 200, `batch ${i + 1} was acknowledged, so it is stored`);
  }
  assert.equal((await health()).pendingSpans, 0);
  assert.equal((await post(100)).status, 200, 'once the store catches up, ingest resumes');
});
