import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphRecord } from '@stitch/graph';
import { batchToSpans, makeSpan, nanos, spansToBatch } from '@stitch/model';
import { migrate, openClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.ts';
import { runContractOnServers } from '@stitch/test-support/clickhouse';
import { spanRowsOf } from './span-rows.ts';
import { MIGRATIONS, traceStatusMigration } from './schema.ts';
import { createClient } from '@clickhouse/client';
import { assertMigratedTraceStatuses, traceStatusCases } from '@stitch/test-support/store-contracts';

// A real single-node server on loopback; each store of the suite gets a database of its own.
const servers = runContractOnServers(1);
const open = (database: string, more: Partial<ClickHouseStoreOptions> = {}) => openClickHouseStore({ urls: servers().urls, database, ...more });

test('retention drops whole days older than the retention, on open and on demand, and keeps the rest', async () => {
  const day = 86_400_000;
  // Delivery ids are stamped with the real time, so the days count from now.
  const now = Date.now();
  const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);
  const spanOn = (daysAgo: number, n: number) =>
    makeSpan({ traceId: n.toString(16).padStart(32, 'e'), startTimeUnixNano: at(now - daysAgo * day), endTimeUnixNano: at(now - daysAgo * day + 5) });
  const store = await open('retention');
  try {
    await store.writeBatch(spansToBatch([spanOn(9, 1), spanOn(3, 2), spanOn(1, 3), spanOn(0, 4)]), ['old-delivery']);
    const bucket = (daysAgo: number): GraphRecord => ({
      bucketStartMs: now - daysAgo * day,
      kind: 'node',
      connection: 'sync',
      from: null,
      to: { account: 'a', accountLabel: 'a', service: 's', inferred: null, label: 's' },
      measurements: { count: 1, errors: 0, faults: 0, throttles: 0, latencySumNanos: 1n, latency: { buckets: [700], counts: [1] } },
      roots: 1,
      examples: [],
    });
    await store.writeGraphRecords([bucket(9), bucket(0)]);
    // Two days kept: today and yesterday. Delivery ids are kept a week, so this one stays.
    const retained = await open('retention', { retentionDays: 2 });
    await retained.dropExpired(now);
    const traces = await retained.getTraces([1, 2, 3, 4].map((n) => n.toString(16).padStart(32, 'e')));
    assert.deepEqual([...traces.keys()].map((id) => parseInt(id.slice(-1), 16)).sort(), [3, 4]);
    assert.equal((await retained.searchTraces({ startNanos: at(now - 30 * day), endNanos: at(now + day), limit: 10 })).length, 2);
    assert.deepEqual((await retained.readGraphRecords(now - 30 * day, now + day)).map((r) => r.bucketStartMs), [now]);
    assert.deepEqual(await retained.storedDeliveries(['old-delivery']), new Set(['old-delivery']));
    await retained.dropExpired(now + 10 * day);
    assert.deepEqual(await retained.storedDeliveries(['old-delivery']), new Set(), 'a delivery id is forgotten after a week');
    await retained.close();
  } finally {
    await store.close();
  }
});

test('a delivery counts as stored only once all the rows of its write landed', async () => {
  const store = await open('deliveries');
  try {
    const spans = [1, 2, 3].map((n) => makeSpan({ traceId: 'd'.repeat(31) + n }));
    // As a central killed between recording the delivery and inserting its spans leaves it.
    const sql = `INSERT INTO deliveries.deliveries_local VALUES ('delivery-a', 'lost-write', 3, ${Date.now()})`;
    const response = await fetch(`${servers().urls[0]}/?query=${encodeURIComponent(sql)}`, { method: 'POST' });
    assert.equal(response.status, 200, await response.text());
    assert.deepEqual(await store.storedDeliveries(['delivery-a']), new Set(), 'recorded, but its write never landed');
    await store.writeBatch(spansToBatch(spans), ['delivery-a']);
    assert.deepEqual(await store.storedDeliveries(['delivery-a']), new Set(['delivery-a']), 'the retry landed whole');
    assert.equal((await store.stats()).spanCount, 3);
  } finally {
    await store.close();
  }
});

test('the retry of a write that landed in part stores only the rest: each span once, the trace whole', async () => {
  const store = await open('partial');
  try {
    const traceId = 'e'.repeat(31) + '1';
    const spans = [1, 2, 3].map((n) => makeSpan({ traceId, spanId: `${n}`.padStart(16, '0') }));
    // As a central killed while the body streamed leaves it: the delivery recorded, two of its three rows landed.
    const rows: string[] = [];
    for await (const row of spanRowsOf(spansToBatch(spans.slice(0, 2)), 'cut-write')) rows.push(JSON.stringify(row));
    for (const sql of [`INSERT INTO partial.deliveries_local VALUES ('delivery-c', 'cut-write', 3, ${Date.now()})`, 'INSERT INTO partial.spans_local FORMAT JSONEachRow']) {
      const response = await fetch(`${servers().urls[0]}/?query=${encodeURIComponent(sql)}`, { method: 'POST', body: sql.includes('FORMAT') ? rows.join('\n') : '' });
      assert.equal(response.status, 200, await response.text());
    }
    assert.deepEqual(await store.storedDeliveries(['delivery-c']), new Set());
    const written = await store.writeBatch(spansToBatch(spans), ['delivery-c']);
    // What counts stored spans (the map, metrics, usage) counts the landed two from the store: the retry's own is the third.
    assert.deepEqual(batchToSpans(written).map((s) => s.spanId), [spans[2]!.spanId], 'the write resolves with the rows it inserted');
    assert.deepEqual(await store.storedDeliveries(['delivery-c']), new Set(['delivery-c']));
    assert.deepEqual((await store.getTrace(traceId)).map((s) => s.spanId).sort(), spans.map((s) => s.spanId));
    const [summary] = await store.searchTraces({ startNanos: nanos(0n), endNanos: nanos(2n ** 62n), limit: 10 });
    assert.equal(summary!.spanCount, 3, 'the parts of both writes add up to the trace');
  } finally {
    await store.close();
  }
});


test('a database written before trace statuses were stored is migrated: statuses and error counts recounted from its spans', async () => {
  const database = 'status_migration';
  const layout = { database, cluster: null };
  const sql = async (query: string, body?: string, settings = '') => {
    const response = await fetch(`${servers().urls[0]}/?query=${encodeURIComponent(query)}${settings}`, { method: 'POST', body });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    return text;
  };
  // The schema as the version before left it, and spans inserted as that version's store did (one insert per batch).
  const node = createClient({ url: servers().urls[0]! });
  await migrate(node, layout, servers().urls[0]!, MIGRATIONS.indexOf(traceStatusMigration)).finally(() => node.close());
  const cases = traceStatusCases();
  let writes = 0;
  for (const { batches } of cases) {
    for (const batch of batches) {
      const rows: string[] = [];
      for await (const row of spanRowsOf(spansToBatch(batch), `old-write-${++writes}`)) rows.push(JSON.stringify(row));
      // Columns added by later steps (a call's peer) are not in that schema: the old store did not send them.
      await sql(`INSERT INTO ${database}.spans_local FORMAT JSONEachRow`, rows.join('\n'), '&input_format_skip_unknown_fields=1');
    }
  }

  const store = await open(database);
  try {
    const traces = cases.map(({ batches }) => batches.flat());
    await assertMigratedTraceStatuses(store, traces);
  } finally {
    await store.close();
  }
});

test('attributes of every type, events, links, scope and the resource\'s attributes come back exactly from their columns', async () => {
  const traceId = 'a'.repeat(31) + '7';
  const resource = { serviceName: 'rides', attributes: { 'service.name': 'rides', 'host.cpus': 4, 'k8s.spot': true, 'process.command_args': ['node', 'main.js'], load: 0.1 + 0.2 } };
  // Numbers 18.16 would parse a bit off from decimal text (span-layout.ts): the ends of Float64's range, long and short decimals.
  const attributes = {
    str: 'ünï ☕ "q" \\ \n', empty: '', int: 42, negative: -7, float: 0.1 + 0.2, latency: 40.7698, tiny: 5e-324, huge: 1.7976931348623157e308, third: 1 / 3,
    yes: true, no: false, nan: NaN, inf: Infinity, minusInf: -Infinity,
    strings: ['a', '', 'ç'], numbers: [1, 2.5, -3e-9], booleans: [true, false], mixed: ['x', 1, false], none: [],
    ['__proto__']: 'a key like any other', '': 'empty key',
  };
  const root = makeSpan({
    traceId, spanId: '1'.repeat(16), traceState: 'vendor=a:b', status: { code: 'error', message: 'upstream 502 — timeout' },
    attributes, resource, scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.1' },
    events: [
      { name: 'exception', timeUnixNano: nanos(1_764_000_000_000_000_001n), attributes: { 'exception.type': 'Error', attempt: 2, fatal: false } },
      { name: 'no attributes', timeUnixNano: nanos(1_764_000_000_000_000_002n), attributes: {} },
    ],
    links: [{ traceId: 'b'.repeat(32), spanId: '2'.repeat(16), traceState: 'x=y', attributes: { 'link.kind': 'follows', weight: 0.5 } }],
  });
  // A span with nothing of its own, sharing the resource: no lists, events or links; the resource's parsed once for both.
  const bare = makeSpan({ traceId, spanId: '3'.repeat(16), parentSpanId: root.spanId, resource });
  const store = await open('typed_round_trip');
  try {
    await store.writeBatch(spansToBatch([root, bare]));
    const back = await store.getTrace(traceId);
    assert.deepEqual(back.find((s) => s.spanId === root.spanId), root);
    assert.deepEqual(back.find((s) => s.spanId === bare.spanId), bare);
  } finally {
    await store.close();
  }
});
