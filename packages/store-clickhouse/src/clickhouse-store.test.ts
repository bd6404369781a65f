import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphRecord } from '@stitch/graph';
import { makeSpan, nanos, spansToBatch } from '@stitch/model';
import { openClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.ts';
import { runContractOnServers } from '@stitch/test-support/clickhouse';
import { spanRowsOf } from './span-rows.ts';
import { featuresOf, MIGRATIONS, schemaTable, traceStatusMigration } from './schema.ts';
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
    await store.writeBatch(spansToBatch(spans), ['delivery-c']);
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
  const features = featuresOf((await sql('SELECT version()')).trim());
  await sql(`CREATE DATABASE IF NOT EXISTS ${database}`);
  await sql(schemaTable(layout));
  const before = MIGRATIONS.indexOf(traceStatusMigration);
  for (let step = 0; step < before; step++) {
    for (const statement of MIGRATIONS[step]!(layout, features)) await sql(statement);
    await sql(`INSERT INTO ${database}.stitch_schema VALUES (${step + 1}, ${Date.now()})`);
  }
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
