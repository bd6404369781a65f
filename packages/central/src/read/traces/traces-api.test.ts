import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, spansToBatch } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import type { CentralStore } from '@stitch/store';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const NOW_MS = 1_900_000_000_000;
const msAgo = (ms: number) => nanos(BigInt(NOW_MS - ms) * 1_000_000n);

describe('query API', () => {
  let central: TestCentral;
  let store: CentralStore;
  const slowId = 'aa'.repeat(16);
  const fastId = 'bb'.repeat(16);
  const oldId = 'cc'.repeat(16);

  before(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    await store.writeBatch(spansToBatch([
      makeSpan({ traceId: slowId, spanId: '1'.repeat(16), name: 'POST /checkout', startTimeUnixNano: msAgo(60_000), endTimeUnixNano: msAgo(51_000) }),
      makeSpan({ traceId: slowId, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), name: 'Stripe API call', kind: 'client', startTimeUnixNano: msAgo(59_000), endTimeUnixNano: msAgo(51_500), resource: { serviceName: 'payments', attributes: {} }, account: { id: '555', label: 'payments' } }),
      makeSpan({ traceId: fastId, spanId: '3'.repeat(16), name: 'POST /checkout', startTimeUnixNano: msAgo(30_000), endTimeUnixNano: msAgo(29_800) }),
      makeSpan({ traceId: oldId, spanId: '4'.repeat(16), name: 'old', startTimeUnixNano: msAgo(2 * 3_600_000), endTimeUnixNano: msAgo(2 * 3_600_000 - 10) }),
    ]));
    central = await startTestCentral({ store, now: () => NOW_MS });
  });
  after(() => central.stop());

  const get = async (path: string) => {
    const response = await fetch(`${central.url}${path}`);
    return { status: response.status, body: await response.json() };
  };

  test('a trace comes back in tree order with depth and self time', async () => {
    const { status, body } = await get(`/api/traces/${slowId.toUpperCase()}`);
    assert.equal(status, 200);
    assert.deepEqual(body.spans.map((s: { name: string; depth: number }) => [s.name, s.depth]), [['POST /checkout', 0], ['Stripe API call', 1]]);
    assert.equal(body.spans[0].selfTimeNanos, String(1_500_000_000n));
    assert.equal(body.spans[1].account.label, 'payments');
    assert.equal(body.summary.durationMs, 9000);
  });

  test('the outline of a trace: the spans as columns in tree order, names and services once, times from the start', async () => {
    const { status, body } = await get(`/api/traces/${slowId.toUpperCase()}/outline`);
    assert.equal(status, 200);
    assert.equal(body.traceId, slowId);
    assert.equal(body.startTimeUnixNano, String(msAgo(60_000)));
    const { spans } = body;
    assert.deepEqual(spans.spanId, ['1'.repeat(16), '2'.repeat(16)]);
    assert.deepEqual(spans.depth, [0, 1]);
    assert.deepEqual(spans.name.map((i: number) => body.names[i]), ['POST /checkout', 'Stripe API call']);
    assert.deepEqual(body.services[spans.service[1]], { serviceName: 'payments', accountId: '555', accountLabel: 'payments' });
    assert.deepEqual(spans.kind, [1, 2], 'indexes of SPAN_KINDS: server, client');
    assert.deepEqual(spans.startNanos, [0, 1_000_000_000]);
    assert.deepEqual(spans.durationNanos, [9_000_000_000, 7_500_000_000]);
    assert.deepEqual(spans.selfTimeNanos, [1_500_000_000, 7_500_000_000]);
    // The root waits on the call, then works 0.5 s after it: both on the critical path.
    assert.deepEqual(spans.criticalNanos, [1_500_000_000, 7_500_000_000]);
    assert.deepEqual(spans.flags, [2, 2]);
    assert.equal(body.summary.durationMs, 9000);
    assert.equal(body.criticalPath.totalNanos, '9000000000');
  });

  test('one span of a trace, whole; an unknown span is a 404, a malformed id a 400 naming spanId', async () => {
    const { status, body } = await get(`/api/traces/${slowId}/spans/${'2'.repeat(16)}`);
    assert.equal(status, 200);
    assert.equal(body.name, 'Stripe API call');
    assert.equal(body.account.label, 'payments');
    assert.deepEqual(body.resource, { serviceName: 'payments', attributes: {} });
    assert.equal((await get(`/api/traces/${slowId}/spans/${'3'.repeat(16)}`)).status, 404, 'a span of another trace');
    const bad = await get(`/api/traces/${slowId}/spans/xyz`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^spanId: "xyz" is not a span id/);
    assert.equal((await get(`/api/traces/${'de'.repeat(16)}/outline`)).status, 404);
  });

  test('find in a trace: the spans mentioning a text in any case; no text or too much is a 400 naming text', async () => {
    const found = await get(`/api/traces/${slowId}/find?text=${encodeURIComponent('STRIPE')}`);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.spanIds, ['2'.repeat(16)]);
    assert.deepEqual((await get(`/api/traces/${slowId}/find?text=payments`)).body.spanIds, ['2'.repeat(16)], 'its service');
    assert.deepEqual((await get(`/api/traces/${slowId}/find?text=nothing-like-it`)).body.spanIds, []);
    for (const text of ['', '%20', 'x'.repeat(201)]) {
      const bad = await get(`/api/traces/${slowId}/find?text=${text}`);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /^text: /);
    }
    assert.equal((await get(`/api/traces/${'de'.repeat(16)}/find?text=x`)).status, 404);
  });

  test('the X-Ray form of an id (1-<8 hex>-<24 hex>) opens the same trace', async () => {
    const { status, body } = await get(`/api/traces/1-${slowId.slice(0, 8)}-${slowId.slice(8).toUpperCase()}`);
    assert.equal(status, 200);
    assert.equal(body.traceId, slowId);
    assert.equal(body.spans.length, 2);
  });

  test('an unknown trace is a 404 that says so; a malformed id is a 400 naming traceId', async () => {
    const missing = await get(`/api/traces/${'de'.repeat(16)}`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /not found/);
    for (const bad of ['xyz', '0'.repeat(32), `${'a'.repeat(31)}g`, encodeURIComponent("' OR 1=1 --"), `1-${slowId}`, `1-${slowId.slice(0, 7)}-${slowId.slice(7)}`]) {
      const response = await get(`/api/traces/${bad}`);
      assert.equal(response.status, 400, bad);
      assert.match(response.body.error, /^traceId: .* is not a trace id \(32 hex digits, or X-Ray's 1-<8 hex>-<24 hex>/);
    }
  });

  test('search defaults to the last hour, newest first', async () => {
    const { body } = await get('/api/traces');
    assert.deepEqual(body.traces.map((t: { traceId: string }) => t.traceId), [fastId, slowId]);
    assert.equal(body.traces[1].rootSpanName, 'POST /checkout');
    assert.deepEqual(body.traces[1].services, ['checkout-orchestrator', 'payments']);
  });

  test('search by service, duration and window', async () => {
    assert.deepEqual((await get('/api/traces?minDuration=8s')).body.traces.map((t: { traceId: string }) => t.traceId), [slowId]);
    assert.deepEqual((await get('/api/traces?maxDuration=500')).body.traces.map((t: { traceId: string }) => t.traceId), [fastId]);
    assert.deepEqual((await get('/api/traces?service=payments')).body.traces.map((t: { traceId: string }) => t.traceId), [slowId]);
    assert.deepEqual((await get('/api/traces?service=nobody')).body.traces, []);
    const all = await get(`/api/traces?start=${NOW_MS - 3 * 3_600_000}&end=${NOW_MS}&limit=2`);
    assert.equal(all.body.traces.length, 2);
    const old = await get(`/api/traces?start=${new Date(NOW_MS - 3 * 3_600_000).toISOString()}&end=${NOW_MS - 3_600_000}`);
    assert.deepEqual(old.body.traces.map((t: { traceId: string }) => t.traceId), [oldId]);
  });

  test('bad search parameters get a 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['minDuration=soon', 'minDuration'],
      ['limit=0', 'limit'],
      ['limit=100000', 'limit'],
      ['start=yesterday', 'start'],
      [`start=${NOW_MS}&end=${NOW_MS - 1}`, 'start'],
      ['minDuration=5s&maxDuration=1s', 'minDuration'],
      ['colour=blue', 'colour'],
      ['histogram=maybe', 'histogram'],
      [`q=${encodeURIComponent('duration >')}`, 'q'],
      [`q=${encodeURIComponent('colour = "red"')}`, 'q'],
    ]) {
      const { status, body } = await get(`/api/traces?${query}`);
      assert.equal(status, 400, query);
      assert.match(body.error, new RegExp(`^${field}`), query);
    }
  });

  test('a filter expression selects traces, and the histogram counts every match', async () => {
    const q = (expr: string) => get(`/api/traces?histogram=true&q=${encodeURIComponent(expr)}`);
    const slow = await q('duration > 8');
    assert.equal(slow.status, 200);
    assert.deepEqual(slow.body.traces.map((t: { traceId: string }) => t.traceId), [slowId]);
    assert.equal(slow.body.histogram.total, 1);
    const bucket = slow.body.histogram.buckets.find((b: { count: number }) => b.count > 0);
    assert.deepEqual([bucket.fromMs, bucket.toMs], [5000, 10000]);
    assert.deepEqual((await q('service("payments") { kind = "client" AND duration > 7s }')).body.traces.map((t: { traceId: string }) => t.traceId), [slowId]);
    assert.deepEqual((await q('account = "payments"')).body.traces.map((t: { traceId: string }) => t.traceId), [slowId]);
    assert.deepEqual((await q('NOT service("payments")')).body.traces.map((t: { traceId: string }) => t.traceId), [fastId]);
    const both = await get(`/api/traces?limit=1&histogram=1&q=${encodeURIComponent('duration >= 0')}`);
    assert.equal(both.body.traces.length, 1);
    assert.equal(both.body.histogram.total, 2, 'the histogram covers all matches, not just the page');
    assert.equal((await get('/api/traces?q=fault')).body.histogram, undefined, 'only when asked for');
  });

  test('a filter syntax error is a 400 naming q and the column', async () => {
    const { status, body } = await get(`/api/traces?q=${encodeURIComponent('duration > 8 AND servce("x")')}`);
    assert.equal(status, 400);
    assert.match(body.error, /^q: column 18: unknown field "servce"/);
    assert.equal(body.column, 18);
    const long = await get(`/api/traces?q=${'fault%20OR%20'.repeat(1000)}fault`);
    assert.equal(long.status, 400);
    assert.match(long.body.error, /^q: .*longer than/);
  });

  test('mutated and random filter expressions get a 200 or a 400 with a column, never a 5xx', async () => {
    const seeds = [
      'duration > 8 AND service("payments") { fault OR http.status >= 500 }',
      'edge("a", "b") { name CONTAINS "x" } OR NOT annotation.k = "v"',
      'responsetime <= 200ms AND (error OR throttle) AND account != "edge"',
      'annotation.n >= 1e308 OR annotation.b = true OR http.url ENDSWITH "\\u00e9"',
    ];
    const random = seededRandom(99);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const pieces = ['(', ')', '{', '}', '"', "'", '\\', ' AND ', ' OR ', 'NOT ', '=', '>=', '!', ',', '9'.repeat(30), '1e999', '-', '.', 'service(', 'µs', '\u0000', '%', ';--'];
    for (let i = 0; i < 400; i++) {
      const chars = [...pick(seeds)];
      for (let edits = 1 + Math.floor(random() * 4); edits > 0; edits--) {
        const at = Math.floor(random() * (chars.length + 1));
        const roll = random();
        if (roll < 0.4) chars.splice(at, 1);
        else if (roll < 0.8) chars.splice(at, 0, pick(pieces));
        else chars.splice(at, 1, pick(pieces));
      }
      const q = chars.join('');
      const { status, body } = await get(`/api/traces?q=${encodeURIComponent(q)}`);
      assert.ok(status === 200 || status === 400, `${status} for ${JSON.stringify(q)}: ${JSON.stringify(body)}`);
      if (status === 400) assert.equal(typeof body.column, 'number', q);
    }
    assert.equal((await get('/api/health')).body.status, 'ok');
  });

  test('hostile service names are searched literally', async () => {
    const { status, body } = await get(`/api/traces?service=${encodeURIComponent("x' OR '1'='1")}`);
    assert.equal(status, 200);
    assert.deepEqual(body.traces, []);
    const injected = await get(`/api/traces?q=${encodeURIComponent(`http.url CONTAINS "'; DROP TABLE spans; --" OR name = "x' OR '1'='1"`)}`);
    assert.equal(injected.status, 200);
    assert.deepEqual(injected.body.traces, []);
    assert.equal((await get('/api/traces')).body.traces.length, 2, 'the data is still there');
  });

  test('services and health', async () => {
    const services = (await get('/api/services')).body.services;
    assert.deepEqual(services.map((s: { serviceName: string }) => s.serviceName), ['checkout-orchestrator', 'payments']);
    assert.deepEqual(services[1].accounts, ['555']);
    assert.equal((await get('/api/health')).body.status, 'ok');
  });
});
