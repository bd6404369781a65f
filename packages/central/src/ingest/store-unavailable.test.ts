import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanBatch } from '@stitch/model';
import { InMemoryStore, StoreError, type CentralStore } from '@stitch/store';
import { recountFigures, assertFiguresEqualRecount, startTestCentral } from '@stitch/test-support/central';
import { openDuckDbStore } from '@stitch/store-duckdb';

const otlpJson = (traceId: string) =>
  JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: '00f067aa0ba902b7', name: 'x', startTimeUnixNano: '1764000000000000000', endTimeUnixNano: '1764000000000000001' }] }] }] });

test('when the store fails, ingest answers 503 with Retry-After (OTLP exporters retry) and central keeps serving', { timeout: 120_000 }, async (t) => {
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
class GatedStore extends InMemoryStore {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
  override async writeBatch(batch: SpanBatch): Promise<SpanBatch> {
    await this.gate;
    return super.writeBatch(batch);
  }
}

test('when ingest is backed up beyond its limit, new batches get 503 with Retry-After, not an unbounded queue', { timeout: 120_000 }, async (t) => {
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

/**
 * A real store that can go down: its writes of spans then land but fail to answer (as a
 * connection lost after the insert), and every other write and read of the figures fails.
 */
function storeThatGoesDown(store: CentralStore) {
  const state = { down: false };
  const unavailable = () => new StoreError('the store is unavailable (test)');
  const outage = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'writeBatch') {
        return async (...args: Parameters<CentralStore['writeBatch']>) => {
          const stored = await target.writeBatch(...args);
          if (state.down) throw unavailable();
          return stored;
        };
      }
      if (['commitDerived', 'readWrites', 'readDerivedCheckpoint', 'storedDeliveries'].includes(property as string)) {
        return (...args: unknown[]) => (state.down ? Promise.reject(unavailable()) : (value as (...a: unknown[]) => unknown).apply(target, args));
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { outage, state };
}

const spanJson = (traceId: string, spanId: string, parentSpanId: string | null, service: string, kind: number, startMs: number) => ({
  resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
  scopeSpans: [
    {
      spans: [
        {
          traceId,
          spanId,
          ...(parentSpanId ? { parentSpanId } : {}),
          name: kind === 3 ? 'GET' : 'GET /prices',
          kind,
          startTimeUnixNano: `${BigInt(startMs) * 1_000_000n}`,
          endTimeUnixNano: `${BigInt(startMs + 40) * 1_000_000n}`,
          attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: kind === 3 ? 'url.full' : 'http.route', value: { stringValue: kind === 3 ? 'http://pricing.internal/prices' : '/prices' } }],
        },
      ],
    },
  ],
});

test('a store outage (spans land, their answers and the figures\' commit fail, then it recovers): the map, span metrics and usage equal a recount of the stored spans, exactly', { timeout: 120_000 }, async (t) => {
  const { outage, state } = storeThatGoesDown(await openDuckDbStore({ path: ':memory:' }));
  let central = await startTestCentral({ store: outage });
  t.after(() => outage.close());
  const minute = Date.UTC(2030, 2, 17, 10, 0);
  const trace = (n: number) => String(n).padStart(32, 'c');
  const post = (key: string, ...resourceSpans: object[]) =>
    fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ resourceSpans }) }).then((r) => r.status);
  // checkout calls pricing: trace 1 whole, trace 2's call now and its callee's span after the outage.
  assert.equal(await post('k1', spanJson(trace(1), 'a1'.repeat(8), null, 'checkout', 2, minute), spanJson(trace(1), 'a2'.repeat(8), 'a1'.repeat(8), 'checkout', 3, minute + 1), spanJson(trace(1), 'a3'.repeat(8), 'a2'.repeat(8), 'pricing', 2, minute + 2)), 200);
  assert.equal(await post('k2', spanJson(trace(2), 'b1'.repeat(8), null, 'checkout', 2, minute + 100), spanJson(trace(2), 'b2'.repeat(8), 'b1'.repeat(8), 'checkout', 3, minute + 101)), 200);
  await central.flushMetrics(); // committed: the call of trace 2 waits for its callee, in the checkpoint

  state.down = true;
  assert.equal(await post('k3', spanJson(trace(3), 'c1'.repeat(8), null, 'pricing', 2, minute + 200)), 503, 'stored, but the answer failed');
  await central.flushMetrics(); // the commit fails
  assert.equal(await post('k4', spanJson(trace(2), 'b3'.repeat(8), 'b2'.repeat(8), 'pricing', 2, minute + 102)), 503);
  await central.flushMetrics();
  state.down = false;

  // The exporters retry: recognised as stored, not stored again.
  assert.equal(await post('k3', spanJson(trace(3), 'c1'.repeat(8), null, 'pricing', 2, minute + 200)), 200);
  assert.equal(await post('k4', spanJson(trace(2), 'b3'.repeat(8), 'b2'.repeat(8), 'pricing', 2, minute + 102)), 200);
  assert.equal(await post('k5', spanJson(trace(5), 'e1'.repeat(8), null, 'checkout', 2, minute + 300)), 200);
  await central.flushMetrics();
  // And central stopped and started again on the store: nothing counted twice.
  await central.close();
  central = await startTestCentral({ store: outage });
  await central.close();

  const figures = await recountFigures(outage);
  assert.equal(figures.spans, 8);
  assertFiguresEqualRecount(figures);
  const edges = (await outage.readGraphRecords(0, Number.MAX_SAFE_INTEGER)).filter((record) => record.kind === 'edge');
  assert.deepEqual(
    edges.map((edge) => [edge.from?.service, edge.to.service, edge.measurements.count]),
    [['checkout', 'pricing', 2]],
    'both calls paired with their callee, though the callee of one arrived during the outage and was counted after it',
  );
});
