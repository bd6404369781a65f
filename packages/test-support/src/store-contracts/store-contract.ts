import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, outlineOf, spansToBatch, type Span } from '@stitch/model';
import type { GraphRecord } from '@stitch/graph';
import { parseFilter } from '@stitch/query';
import type { TraceStore } from '@stitch/store';
import { runFilterContract } from './filter-contract.ts';

export interface StoreContractOptions {
  /** A fresh, empty store. */
  newStore: () => Promise<TraceStore>;
  /** Closes the store and opens the same data again; omitted for stores without durability. */
  reopen?: (store: TraceStore) => Promise<TraceStore>;
  /** Tests to skip, each with the reason. */
  skip?: Record<string, string>;
}

const BASE = 1_900_000_000_000_000_000n; // 2030-03-17, in ns
const at = (ms: number) => nanos(BASE + BigInt(ms) * 1_000_000n);
const id32 = (n: number) => n.toString(16).padStart(32, 'f');
const id16 = (n: number) => n.toString(16).padStart(16, 'e');
const write = (store: TraceStore, spans: Span[]) => store.writeBatch(spansToBatch(spans));
const window = (fromMs: number, toMs: number, extra: object = {}) => ({ startNanos: at(fromMs), endNanos: at(toMs), limit: 100, ...extra });

/** A span carrying every field of the model, with awkward values, to check nothing is lost or bent on the way through. */
function richSpan(): Span {
  return makeSpan({
    traceId: id32(1),
    spanId: id16(1),
    parentSpanId: id16(99),
    traceState: 'vendor=a:b,other=c',
    name: "Stripe API call ☕ 'quoted' \"double\" ; DROP TABLE spans; --",
    kind: 'client',
    startTimeUnixNano: nanos(1_764_000_000_123_456_789n),
    endTimeUnixNano: nanos(1_764_000_008_623_456_790n),
    status: { code: 'error', message: 'upstream 502 — timeout' },
    http: { method: 'POST', route: '/v1/payment_intents', url: 'https://api.stripe.com/v1/payment_intents?x=1&y=2', statusCode: 502 },
    attributes: {
      'http.request.method': 'POST',
      'retry.count': 3,
      ratio: 0.25,
      big: '9007199254740993',
      vip: false,
      beta: true,
      tags: ['a', 'b'],
      nums: [1, 2.5],
      flags: [true, false],
      empty: '',
      'key "with" quotes.and.dots': 'v',
    },
    events: [
      { name: 'exception', timeUnixNano: nanos(1_764_000_008_000_000_001n), attributes: { 'exception.type': 'TypeError', 'exception.message': 'socket hang up' } },
      { name: 'retry', timeUnixNano: nanos(1_764_000_001_000_000_000n), attributes: { attempt: 2 } },
    ],
    links: [{ traceId: id32(2), spanId: id16(2), traceState: '', attributes: { 'link.kind': 'follows' } }],
    resource: { serviceName: 'payments', attributes: { 'service.name': 'payments', 'cloud.account.id': '555555555555', 'host.cpus': 4 } },
    scope: { name: '@opentelemetry/instrumentation-undici', version: '0.10.0' },
    account: { id: '555555555555', label: 'payments (prod)' },
  });
}

/** The behaviour every TraceStore must have; each backend's test file calls this. */
export function runStoreContract(name: string, options: StoreContractOptions): void {
  const skipped = options.skip ?? {};
  const it = (title: string, body: (store: TraceStore) => Promise<void>) =>
    test(title, { skip: skipped[title] ?? false }, async () => {
      const store = await options.newStore();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });

  describe(`TraceStore contract: ${name}`, () => {
    it('a span comes back exactly as written', async (store) => {
      const span = richSpan();
      await write(store, [span]);
      assert.deepEqual(await store.getTrace(span.traceId), [span]);
    });

    it('numbers JSON cannot write (NaN, ±Infinity, -0) come back as written', async (store) => {
      const span = makeSpan({ traceId: id32(3), spanId: id16(3), attributes: { 'not.a.number': Number.NaN, 'minus.infinity': Number.NEGATIVE_INFINITY, 'plus.infinity': Number.POSITIVE_INFINITY, 'minus.zero': -0 } });
      await write(store, [span]);
      const [back] = await store.getTrace(span.traceId);
      assert.deepEqual(back!.attributes, span.attributes);
      assert.ok(Object.is(back!.attributes['minus.zero'], -0), '-0 stays -0');
    });

    it('spans keep their own resources: one batch of 1,200 processes, then the same processes again', async (store) => {
      const resourceOf = (i: number) => ({ serviceName: 'worker', attributes: { 'service.name': 'worker', 'host.name': `host-${i}`, 'process.pid': i } });
      const spans = (traceNumber: number) => Array.from({ length: 1_200 }, (_, i) => makeSpan({ traceId: id32(traceNumber), spanId: id16(0x10000 + i), resource: resourceOf(i) }));
      await write(store, spans(5));
      await write(store, spans(6));
      for (const traceNumber of [5, 6]) {
        const back = await store.getTrace(id32(traceNumber));
        assert.equal(back.length, 1_200);
        const written = new Map(spans(traceNumber).map((span) => [span.spanId, span.resource]));
        for (const span of back) assert.deepEqual(span.resource, written.get(span.spanId), `span ${span.spanId} of trace ${traceNumber}`);
      }
    });

    it('an outline is the trace without its detail; getSpans gives the asked spans whole', async (store) => {
      const rich = richSpan();
      const child = makeSpan({ traceId: rich.traceId, spanId: id16(2), parentSpanId: rich.spanId, name: 'child', kind: 'internal', startTimeUnixNano: at(1), endTimeUnixNano: at(2), attributes: { big: 'x'.repeat(500) } });
      const sibling = makeSpan({ traceId: rich.traceId, spanId: id16(3), parentSpanId: rich.spanId, startTimeUnixNano: at(3), endTimeUnixNano: at(4), status: { code: 'ok', message: '' } });
      const elsewhere = makeSpan({ traceId: id32(77), spanId: id16(2), startTimeUnixNano: at(1), endTimeUnixNano: at(2) });
      await write(store, [rich, child, elsewhere]);
      await write(store, [sibling]);
      const bySpanId = (a: { spanId: string }, b: { spanId: string }) => a.spanId.localeCompare(b.spanId);
      assert.deepEqual((await store.getTraceOutline(rich.traceId)).sort(bySpanId), [rich, child, sibling].map(outlineOf).sort(bySpanId));
      assert.deepEqual(await store.getTraceOutline(id32(404)), []);
      assert.deepEqual(await store.getTraceOutline('not a trace id'), []);
      // Ids unknown or malformed are not an answer, nor an error.
      const asked = await store.getSpans(rich.traceId, [child.spanId, rich.spanId, id16(404), 'zz']);
      assert.deepEqual(asked.sort(bySpanId), [rich, child].sort(bySpanId));
      assert.deepEqual(await store.getSpans(id32(77), [rich.spanId]), []);
      assert.deepEqual(await store.getSpans(rich.traceId, []), []);
    });

    it('an unknown trace is empty, an empty batch is fine', async (store) => {
      await write(store, []);
      assert.deepEqual(await store.getTrace(id32(404)), []);
    });

    it('a trace written in several batches comes back whole', async (store) => {
      const traceId = id32(3);
      const root = makeSpan({ traceId, spanId: id16(10), startTimeUnixNano: at(0), endTimeUnixNano: at(100) });
      const child = makeSpan({ traceId, spanId: id16(11), parentSpanId: id16(10), startTimeUnixNano: at(10), endTimeUnixNano: at(90) });
      const other = makeSpan({ traceId: id32(4), spanId: id16(12), startTimeUnixNano: at(5), endTimeUnixNano: at(6) });
      await write(store, [child, other]);
      await write(store, [root]);
      const spans = await store.getTrace(traceId);
      assert.deepEqual(spans.map((s) => s.spanId).sort(), [id16(10), id16(11)]);
    });

    it('search summarises whole traces, newest first, within the window', async (store) => {
      const slow = id32(5);
      const fast = id32(6);
      // The slow trace arrives in two batches, root last, as a long request does.
      await write(store, [
        makeSpan({ traceId: slow, spanId: id16(21), parentSpanId: id16(20), name: 'Stripe API call', kind: 'client', startTimeUnixNano: at(1_100), endTimeUnixNano: at(9_600), resource: { serviceName: 'payments', attributes: {} }, account: { id: '555', label: 'payments' }, status: { code: 'error', message: 'timeout' } }),
        makeSpan({ traceId: fast, spanId: id16(30), name: 'GET /health', startTimeUnixNano: at(5_000), endTimeUnixNano: at(5_020), resource: { serviceName: 'edge-gateway', attributes: {} }, account: { id: '111', label: 'edge' } }),
      ]);
      await write(store, [
        makeSpan({ traceId: slow, spanId: id16(20), name: 'POST /checkout', startTimeUnixNano: at(1_000), endTimeUnixNano: at(10_200), resource: { serviceName: 'checkout-orchestrator', attributes: {} }, account: { id: '222', label: 'checkout' } }),
      ]);

      const results = await store.searchTraces(window(0, 60_000));
      assert.deepEqual(results.map((r) => r.traceId), [fast, slow]);
      const summary = results[1]!;
      assert.equal(summary.rootServiceName, 'checkout-orchestrator');
      assert.equal(summary.rootSpanName, 'POST /checkout');
      assert.equal(summary.startTimeUnixNano, at(1_000));
      assert.equal(summary.durationNanos, 9_200_000_000n);
      assert.equal(summary.spanCount, 2);
      assert.deepEqual(summary.services, ['checkout-orchestrator', 'payments']);
      assert.deepEqual(summary.accounts, ['222', '555']);
      // The caller saw the root's answer (ok); the payments span's error is counted apart.
      assert.equal(summary.status, 'ok');
      assert.equal(summary.errorSpanCount, 1);
      assert.equal(results[0]!.status, 'ok');
      assert.equal(results[0]!.errorSpanCount, 0);

      // The window applies to the trace's start (end exclusive).
      assert.deepEqual((await store.searchTraces(window(1_000, 5_000))).map((r) => r.traceId), [slow]);
      assert.deepEqual((await store.searchTraces(window(1_001, 5_001))).map((r) => r.traceId), [fast]);
      assert.deepEqual(await store.searchTraces(window(20_000, 30_000)), []);
      assert.deepEqual((await store.searchTraces(window(0, 60_000, { limit: 1 }))).map((r) => r.traceId), [fast]);
    });

    it('a trace\'s status is what its caller saw; unknown until the root arrives; errors inside are counted apart', async (store) => {
      const rides = id32(7);
      const account = { id: '777', label: 'rides' };
      const span = (spanId: number, parent: number | null, startMs: number, statusCode: number) =>
        makeSpan({ traceId: rides, spanId: id16(spanId), parentSpanId: parent === null ? null : id16(parent), name: parent === null ? 'POST /rides' : 'POST /book', startTimeUnixNano: at(startMs), endTimeUnixNano: at(startMs + 50), http: { method: 'POST', route: null, url: null, statusCode }, account });
      // Two 503s retried, then booked: the children arrive first.
      const inside = [span(71, 70, 2_010, 503), span(72, 70, 2_070, 503), span(73, 70, 2_130, 201)];
      await write(store, inside);
      const before = await store.searchTraces(window(2_000, 3_000));
      assert.deepEqual(before.map((t) => [t.status, t.errorSpanCount]), [['unknown', 2]]);
      assert.deepEqual((await store.searchTraces(window(2_000, 3_000, { filter: parseFilter('trace.status = unknown') }))).length, 1);
      await write(store, [span(70, null, 2_000, 201)]);
      const after = await store.searchTraces(window(2_000, 3_000));
      assert.deepEqual(after.map((t) => [t.status, t.errorSpanCount]), [['ok', 2]]);
      for (const [text, matches] of [['trace.status = ok', 1], ['trace.status = unknown', 0], ['trace.status = ok AND fault', 1], ['trace.status != ok', 0]] as const) {
        assert.equal((await store.searchTraces(window(2_000, 3_000, { filter: parseFilter(text) }))).length, matches, text);
      }
    });

    it('search returns exactly the newest matches, however they are spread over the window', async (store) => {
      // Irregular starts (dense at the end, sparse early) and a filter that matches every third trace.
      const starts = Array.from({ length: 60 }, (_, i) => Math.round(3_600_000 * (1 - ((i * 7919) % 60) ** 2 / 3_600)));
      const spans = starts.map((startMs, i) =>
        makeSpan({ traceId: id32(1000 + i), spanId: id16(1000 + i), startTimeUnixNano: at(startMs), endTimeUnixNano: at(startMs + 10), resource: { serviceName: i % 3 === 0 ? 'inventory' : 'pricing', attributes: {} } }),
      );
      await write(store, spans);
      const expected = (limit: number, service?: string) =>
        spans
          .filter((span) => service === undefined || span.resource.serviceName === service)
          .sort((a, b) => (a.startTimeUnixNano > b.startTimeUnixNano ? -1 : a.startTimeUnixNano < b.startTimeUnixNano ? 1 : a.traceId.localeCompare(b.traceId)))
          .slice(0, limit)
          .map((span) => span.traceId);
      for (const limit of [1, 7, 25, 100]) {
        assert.deepEqual((await store.searchTraces(window(0, 3_600_001, { limit }))).map((r) => r.traceId), expected(limit), `limit ${limit}`);
        assert.deepEqual((await store.searchTraces(window(0, 3_600_001, { limit, serviceName: 'inventory' }))).map((r) => r.traceId), expected(limit, 'inventory'), `limit ${limit}, inventory`);
      }
    });

    it('search filters by service (any span of the trace) and by whole-trace duration', async (store) => {
      const slow = id32(7);
      const fast = id32(8);
      await write(store, [
        makeSpan({ traceId: slow, spanId: id16(40), startTimeUnixNano: at(0), endTimeUnixNano: at(100), resource: { serviceName: 'checkout-orchestrator', attributes: {} } }),
        makeSpan({ traceId: slow, spanId: id16(41), parentSpanId: id16(40), startTimeUnixNano: at(50), endTimeUnixNano: at(8_100), resource: { serviceName: 'payments', attributes: {} } }),
        makeSpan({ traceId: fast, spanId: id16(42), startTimeUnixNano: at(200), endTimeUnixNano: at(400), resource: { serviceName: 'checkout-orchestrator', attributes: {} } }),
      ]);
      const ids = async (extra: object) => (await store.searchTraces(window(0, 10_000, extra))).map((r) => r.traceId);
      assert.deepEqual(await ids({ serviceName: 'payments' }), [slow]);
      assert.deepEqual(await ids({ serviceName: 'checkout-orchestrator' }), [fast, slow]);
      assert.deepEqual(await ids({ serviceName: 'pay' }), [], 'service names match exactly');
      assert.deepEqual(await ids({ minDurationNanos: nanos(8_000_000_000n) }), [slow]);
      assert.deepEqual(await ids({ minDurationNanos: nanos(8_100_000_000n) }), [slow], 'bounds are inclusive');
      assert.deepEqual(await ids({ maxDurationNanos: nanos(200_000_000n) }), [fast]);
      assert.deepEqual(await ids({ serviceName: 'checkout-orchestrator', minDurationNanos: nanos(1_000_000_000n) }), [slow]);
    });

    it('hostile text is stored and matched literally', async (store) => {
      const hostile = "x' OR '1'='1'; DROP TABLE spans; --";
      await write(store, [makeSpan({ traceId: id32(9), resource: { serviceName: hostile, attributes: {} }, startTimeUnixNano: at(0), endTimeUnixNano: at(1) })]);
      assert.deepEqual((await store.searchTraces(window(0, 1_000, { serviceName: hostile }))).map((r) => r.traceId), [id32(9)]);
      assert.deepEqual(await store.searchTraces(window(0, 1_000, { serviceName: "x' OR '1'='1" })), []);
      assert.equal((await store.getTrace(id32(9))).length, 1);
    });

    it('half a surrogate pair in a service name or annotation is stored (a UTF-8 store keeps U+FFFD instead)', async (store) => {
      const span = makeSpan({ traceId: id32(12), resource: { serviceName: 'pay\ud800ments', attributes: {} }, attributes: { 'aws.xray.annotations': ['order\udfff'], 'order\udfff': 'a\ud800b' }, startTimeUnixNano: at(0), endTimeUnixNano: at(1) });
      await write(store, [span]);
      const [back] = await store.getTrace(id32(12));
      assert.ok(['pay\ud800ments', 'pay\ufffdments'].includes(back!.resource.serviceName), `service name ${JSON.stringify(back!.resource.serviceName)}`);
      assert.deepEqual((await store.searchTraces(window(0, 1_000, { serviceName: back!.resource.serviceName }))).map((r) => r.traceId), [id32(12)]);
    });

    it('lists services with their accounts and span counts; counts spans and traces', async (store) => {
      await write(store, [
        makeSpan({ traceId: id32(10), resource: { serviceName: 'pricing', attributes: {} }, account: { id: '333', label: 'pricing' } }),
        makeSpan({ traceId: id32(10), resource: { serviceName: 'pricing', attributes: {} }, account: { id: '334', label: 'pricing-eu' } }),
        makeSpan({ traceId: id32(11), resource: { serviceName: 'inventory', attributes: {} }, account: { id: '444', label: 'inventory' } }),
      ]);
      assert.deepEqual(await store.listServices(), [
        { serviceName: 'inventory', accounts: ['444'], spanCount: 1 },
        { serviceName: 'pricing', accounts: ['333', '334'], spanCount: 2 },
      ]);
      assert.deepEqual(await store.stats(), { spanCount: 3, traceCount: 2 });
    });

    it('lists accounts with their newest label, services, span counts, first span start and last span end', async (store) => {
      await write(store, [
        makeSpan({ traceId: id32(30), startTimeUnixNano: at(3), endTimeUnixNano: at(10), resource: { serviceName: 'payments', attributes: {} }, account: { id: '444', label: 'payments (old name)' } }),
        makeSpan({ traceId: id32(31), startTimeUnixNano: at(0), endTimeUnixNano: at(50), resource: { serviceName: 'refunds', attributes: {} }, account: { id: '444', label: 'payments' } }),
        makeSpan({ traceId: id32(31), startTimeUnixNano: at(0), endTimeUnixNano: at(20), resource: { serviceName: 'edge', attributes: {} }, account: { id: '111', label: 'edge' } }),
      ]);
      assert.deepEqual(await store.listAccounts(), [
        { accountId: '111', label: 'edge', services: ['edge'], spanCount: 1, lastSeenNanos: at(20), firstSeenNanos: at(0) },
        { accountId: '444', label: 'payments', services: ['payments', 'refunds'], spanCount: 2, lastSeenNanos: at(50), firstSeenNanos: at(0) },
      ]);
    });

    it('names the traces with a span that started in a window, and no others', async (store) => {
      // Trace 40 starts before the window but has a span inside it; 41 lies wholly inside; 42 ends
      // inside but started before; 43 starts exactly at the window's end.
      const span = (trace: number, start: number, end: number) => makeSpan({ traceId: id32(trace), startTimeUnixNano: at(start), endTimeUnixNano: at(end) });
      await write(store, [span(40, 0, 50), span(40, 12, 14), span(41, 10, 11), span(41, 15, 16), span(42, 5, 15), span(43, 20, 21)]);
      assert.deepEqual((await store.traceIdsStartedIn(at(10), at(20), 100)).sort(), [id32(40), id32(41)].sort());
      assert.equal((await store.traceIdsStartedIn(at(10), at(20), 1)).length, 1, 'at most the limit');
      assert.deepEqual(await store.traceIdsStartedIn(at(100), at(200), 100), []);
    });

    it('stores service-map buckets and adds up a window of them per node and edge', async (store) => {
      const payments = { account: '444', accountLabel: 'payments', service: 'payments', inferred: null, label: 'payments' };
      const stripe = { account: '', accountLabel: '', service: "api.stripe.com'; --", inferred: 'http' as const, label: 'Stripe (api.stripe.com)' };
      const sketch = (bucket: number, count: number) => ({ buckets: [bucket], counts: [count] });
      const record = (bucketStartMs: number, count: number, bucket: number, examples: string[]): GraphRecord => ({
        bucketStartMs,
        kind: 'edge',
        connection: 'sync',
        from: payments,
        to: stripe,
        measurements: { count, errors: 1, faults: 2, throttles: 0, latencySumNanos: 5_000_000_000n * BigInt(count), latency: sketch(bucket, count) },
        roots: 0,
        examples,
      });
      const node: GraphRecord = { ...record(120_000, 4, 3, ['n']), kind: 'node', from: null, to: payments, roots: 2 };
      await store.writeGraphRecords([record(60_000, 3, 10, ['a', 'b']), record(120_000, 5, 1_600, ['c']), node]);
      await store.writeGraphRecords([record(180_000, 100, 1, ['late'])]);
      const read = (await store.readGraphRecords(60_000, 180_000)).sort((a, b) => a.kind.localeCompare(b.kind));
      assert.equal(read.length, 2);
      const [edge, payNode] = read;
      assert.deepEqual(edge!.to, stripe, 'hostile names come back as written');
      assert.deepEqual(edge!.from, payments);
      assert.equal(edge!.bucketStartMs, 60_000);
      assert.deepEqual(
        { ...edge!.measurements },
        { count: 8, errors: 2, faults: 4, throttles: 0, latencySumNanos: 40_000_000_000n, latency: { buckets: [10, 1_600], counts: [3, 5] } },
      );
      assert.deepEqual(edge!.examples.sort(), ['a', 'b', 'c']);
      assert.equal(payNode!.roots, 2);
      assert.equal(payNode!.from, null);
      assert.deepEqual(await store.readGraphRecords(0, 60_000), []);
    });

    it('remembers the delivery ids stored with a batch, and only those', async (store) => {
      await store.writeBatch(spansToBatch([makeSpan({ traceId: id32(20) })]), ['acct-1/batch-a', 'acct-1/batch-b']);
      await store.writeBatch(spansToBatch([]), ['acct-1/empty']);
      assert.deepEqual([...(await store.storedDeliveries(['acct-1/batch-b', 'acct-2/batch-a', 'acct-1/empty', "x'; DROP TABLE deliveries; --"]))].sort(), ['acct-1/batch-b', 'acct-1/empty']);
      assert.deepEqual(await store.storedDeliveries([]), new Set());
      assert.equal((await store.getTrace(id32(20))).length, 1);
    });

    if (options.reopen) {
      const reopen = options.reopen;
      test('data survives closing and reopening the store', { skip: skipped['data survives closing and reopening the store'] ?? false }, async () => {
        let store = await options.newStore();
        const span = richSpan();
        await store.writeBatch(spansToBatch([span]), ['reopen-1']);
        store = await reopen(store);
        try {
          assert.deepEqual(await store.getTrace(span.traceId), [span]);
          assert.deepEqual(await store.storedDeliveries(['reopen-1']), new Set(['reopen-1']));
          assert.equal((await store.searchTraces({ startNanos: nanos(0n), endNanos: nanos(BASE * 2n), limit: 10 })).length, 1);
        } finally {
          await store.close();
        }
      });
    }

    runFilterContract(it);
  });
}
