import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@clickhouse/client';
import { makeSpan, nanos, spansToBatch, type Span } from '@stitch/model';
import { ATTRIBUTE_COLUMNS, RESOURCE_ATTRIBUTE_COLUMNS, spanFromRow } from '@stitch/store';
import { serversForFile } from '@stitch/test-support/clickhouse';
import { legacySpanRowOf } from '@stitch/test-support/legacy-span-rows';
import { spanRowOf, type StoredSpanRow } from './legacy-span-rows.ts';
import { migrate, openClickHouseStore } from './clickhouse-store.ts';
import { MIGRATIONS } from './schema.ts';
import { spanDetailColumnsMigration } from './span-layout.ts';
import { spanRowsOf } from './span-rows.ts';

/** Everything the old JSON could hold (no NaN: it wrote null). */
const oldSpan = (overrides: Partial<Span> = {}) =>
  makeSpan({
    traceId: 'c'.repeat(31) + '1',
    traceState: 'vendor=a:b',
    status: { code: 'error', message: 'timeout' },
    http: { method: 'POST', route: '/rides', url: 'https://x/rides', statusCode: 503 },
    attributes: { str: 'ünï', int: 3, float: 0.25, yes: true, tags: ['a', 'b'], nums: [1, 2.5] },
    events: [{ name: 'retry', timeUnixNano: nanos(1_764_000_000_000_000_001n), attributes: { attempt: 2 } }],
    links: [{ traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), traceState: '', attributes: { 'link.kind': 'follows' } }],
    resource: { serviceName: 'rides', attributes: { 'service.name': 'rides', 'host.cpus': 4, spot: false } },
    scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.1' },
    account: { id: '555', label: 'rides (prod)' },
    ...overrides,
  });

/** A row stored before, as the store reads it: the columns added since at their defaults. */
function oldRowOf(span: Span): StoredSpanRow {
  const lists = [...ATTRIBUTE_COLUMNS, ...RESOURCE_ATTRIBUTE_COLUMNS];
  const emptyLists = Object.fromEntries(lists.map((column) => [column, []])) as Record<(typeof lists)[number], never[]>;
  return { status_message: '', trace_state: '', scope_name: '', scope_version: '', events_json: null, links_json: null, ...emptyLists, ...legacySpanRowOf(span) };
}

test('a row stored before the typed columns reads back the span it was written from', () => {
  for (const span of [oldSpan(), oldSpan({ attributes: {}, events: [], links: [], resource: { serviceName: 'rides', attributes: {} } })]) {
    assert.deepEqual(spanFromRow(spanRowOf(oldRowOf(span))), span);
  }
});

const servers = serversForFile(1);

test('a spans table made by the schema before the typed columns is migrated: its rows and new ones read back, by trace and by write', async () => {
  const database = 'layout_migration';
  const layout = { database, cluster: null };
  // The schema as it was before the typed columns, and rows in that store's shape: its columns (the typed ones are skipped), the JSON in detail_json and resource_json.
  const root = oldSpan({ spanId: '1'.repeat(16) });
  const child = oldSpan({ spanId: '2'.repeat(16), parentSpanId: root.spanId, attributes: {}, events: [], links: [] });
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of spanRowsOf(spansToBatch([root, child]), 'old-write', 1)) {
    const span = [root, child].find((s) => s.spanId === row.span_id)!;
    const { detail_json, resource_json } = legacySpanRowOf(span);
    rows.push({ ...row, detail_json, resource_json });
  }
  const node = createClient({ url: servers().urls[0]! });
  try {
    await migrate(node, layout, servers().urls[0]!, MIGRATIONS.indexOf(spanDetailColumnsMigration));
    await node.insert({ table: `${database}.spans_local`, values: rows, format: 'JSONEachRow', clickhouse_settings: { input_format_skip_unknown_fields: 1 } });
  } finally {
    await node.close();
  }

  const store = await openClickHouseStore({ urls: servers().urls, database });
  try {
    const late = oldSpan({ spanId: '3'.repeat(16), parentSpanId: root.spanId, attributes: { nan: NaN, fresh: 'yes' } });
    await store.writeBatch(spansToBatch([late]), [], 2);
    const bySpanId = (spans: Span[]) => [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId));
    assert.deepEqual(bySpanId(await store.getTrace(root.traceId)), [root, child, late]);
    const writes = await store.readWrites(0, 2);
    assert.deepEqual(writes.map((write) => [write.seq, bySpanId(write.spans)]), [[1, [root, child]], [2, [late]]]);
  } finally {
    await store.close();
  }
});
