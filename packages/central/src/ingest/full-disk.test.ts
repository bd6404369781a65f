import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { StoreError, type CentralStore } from '@stitch/store';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { recountFigures, assertFiguresEqualRecount, startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { mountSmallDisk } from '@stitch/test-support/small-disk';

/** Batches posted after the disk is full, and after space is back. */
const BATCHES_REFUSED = 6;
const BATCHES_AFTER = 6;
const CALLS_PER_BATCH = 100;
const minute = Date.UTC(2030, 2, 17, 10, 0);

/** Batch n: CALLS_PER_BATCH traces, each checkout's server span calling pricing (client span, then pricing's server span). */
function batchBody(n: number): string {
  const resourceSpans = [];
  for (let call = 0; call < CALLS_PER_BATCH; call++) {
    const traceId = (n * 1000 + call + 1).toString(16).padStart(32, 'f');
    const id = (k: number) => (n * 10_000 + call * 10 + k).toString(16).padStart(16, '0');
    const startMs = minute + n * 100 + call;
    const span = (service: string, spanId: string, parentSpanId: string | null, kind: number) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ spans: [{ traceId, spanId, ...(parentSpanId ? { parentSpanId } : {}), name: kind === 3 ? 'GET' : 'GET /prices', kind, startTimeUnixNano: `${BigInt(startMs) * 1_000_000n}`, endTimeUnixNano: `${BigInt(startMs + 40) * 1_000_000n}`, attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: kind === 3 ? 'url.full' : 'http.route', value: { stringValue: kind === 3 ? 'http://pricing.internal/prices' : '/prices' } }] }] }],
    });
    resourceSpans.push(span('checkout', id(1), null, 2), span('checkout', id(2), id(1), 3), span('pricing', id(3), id(2), 2));
  }
  return JSON.stringify({ resourceSpans });
}

const post = (central: TestCentral, n: number) =>
  fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `batch-${n}` }, body: batchBody(n) });

test('central\'s data disk full: ingest answers 503 with Retry-After (never 500 or 400) until it can store spans and their figures; once space is back the retries are stored once and the map, metrics and usage equal the stored spans', { timeout: 180_000 }, async (t) => {
  const disk = mountSmallDisk(t, 4 * 1024);
  if (!disk) return;
  const path = join(disk.dir, 'stitch.duckdb');
  // A checkpoint every megabyte of write-ahead log: the spans fill the disk during one, which invalidates the database in DuckDB.
  const store = await openDuckDbStore({ path, checkpointMegabytes: 1 });
  let central = await startTestCentral({ store });
  t.after(() => central.stop());

  const refused: number[] = [];
  const refusals: string[] = [];
  let n = 0;
  const postOrRefused = async () => {
    const answer = await post(central, n);
    const text = await answer.text();
    if (answer.status === 200) return;
    assert.equal(answer.status, 503, `batch ${n}: ${text}`);
    assert.equal(answer.headers.get('retry-after'), '2');
    assert.match(JSON.parse(text).message, /^store unavailable: /);
    refused.push(n);
    refusals.push(JSON.parse(text).message);
  };
  // The spans fill the disk.
  for (; refused.length === 0; n++) {
    assert.ok(n < 500, 'the disk filled');
    await postOrRefused();
    if (n % 10 === 0) await central.flushMetrics();
  }
  for (const end = n + BATCHES_REFUSED; n < end; n++) {
    await postOrRefused();
    if (n === end - 3) await central.flushMetrics(); // the figures' commit fails too
  }
  assert.equal(refused.length, BATCHES_REFUSED + 1, 'every batch after the disk filled is refused');
  assert.ok(refusals.some((message) => /invalidated/.test(message)), `DuckDB invalidated the database: ${refusals.join(' / ')}`);
  assert.equal((await fetch(`${central.url}/api/health`)).status, 200, 'central keeps answering');

  // Space is back: each refused batch is sent again, as an exporter would after Retry-After.
  disk.grow(64 * 1024);
  const deadline = Date.now() + 60_000;
  while (refused.length > 0) {
    assert.ok(Date.now() < deadline, `batches ${refused.join(', ')} still refused 60 s after space came back`);
    const answer = await post(central, refused[0]!);
    if (answer.status === 200) refused.shift();
    else {
      assert.equal(answer.status, 503, await answer.text());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  for (const end = n + BATCHES_AFTER; n < end; n++) assert.equal((await post(central, n)).status, 200, 'ingest resumes');
  await central.flushServiceMap(true);
  t.diagnostic(`${n} batches of ${CALLS_PER_BATCH * 3} spans; ${BATCHES_REFUSED + 1} refused while the disk was full, then stored`);
  const expectedSpans = n * CALLS_PER_BATCH * 3;
  const assertExact = async (when: string) => {
    assert.equal((await store.stats()).spanCount, expectedSpans, `${when}: every acknowledged span stored, once`);
    const figures = await recountFigures(store);
    assert.equal(figures.spans, expectedSpans);
    assertFiguresEqualRecount(figures);
    const calls = (await store.readGraphRecords(0, Number.MAX_SAFE_INTEGER)).filter((record) => record.kind === 'edge').reduce((sum, edge) => sum + edge.measurements.count, 0);
    assert.equal(calls, n * CALLS_PER_BATCH, `${when}: the map counts every call once`);
  };
  await assertExact('after the disk was full');

  // And after a restart on the same file: nothing lost, nothing counted twice.
  await central.close();
  central = await startTestCentral({ store });
  await central.flushServiceMap(true);
  await assertExact('after a restart');
});

test('while the figures cannot be saved (their commit fails in the store), ingest answers 503 too, and resumes once they can', { timeout: 60_000 }, async (t) => {
  const real = await openDuckDbStore({ path: ':memory:' });
  const failing = { commits: false };
  // Spans can be written but the figures' commit fails: a store that has room for one and not the other.
  const store = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'commitDerived') return (...args: Parameters<CentralStore['commitDerived']>) => (failing.commits ? Promise.reject(new StoreError('duckdb: derived figures write failed: No space left on device (test)')) : target.commitDerived(...args));
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const central = await startTestCentral({ store });
  t.after(() => central.stop());
  assert.equal((await post(central, 0)).status, 200);
  failing.commits = true;
  await central.flushMetrics();
  const refused = await post(central, 1);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '2');
  assert.match(((await refused.json()) as { message: string }).message, /^store unavailable: the service map and metrics of stored spans cannot be saved \(duckdb: derived figures write failed: No space left on device \(test\)\); retry shortly$/);
  failing.commits = false;
  assert.equal((await post(central, 1)).status, 200, 'the next request tries the commit again, and is taken');
  await central.flushServiceMap(true);
  const figures = await recountFigures(store);
  assert.equal(figures.spans, 2 * CALLS_PER_BATCH * 3);
  assertFiguresEqualRecount(figures);
});
