import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import { legacySpanRowOf } from '@stitch/test-support/legacy-span-rows';
import { openDuckDbStore } from './duckdb-store.ts';
import { MIGRATIONS, PEER_MIGRATION, SCHEMA_TABLE } from './schema.ts';
import { TYPED_SPANS_MIGRATION } from './typed-spans-migration.ts';

const START = 1_910_000_000_000_000_000n;

/** A server span and the call it made with `attributes`, and rich details on both (every attribute type, events, links, scope). */
function trace(i: number, attributes: Span['attributes']): Span[] {
  const traceId = `ab${i.toString(16).padStart(30, '0')}`;
  const at = nanos(START + BigInt(i) * 1_000_000n);
  const resource = { serviceName: `svc-${i % 2}`, attributes: { 'service.name': `svc-${i % 2}`, 'host.name': 'h1', 'process.pid': 4242, 'host.arch.64': true, 'process.command_args': ['node', 'main.js'] } };
  const server = makeSpan({
    traceId,
    spanId: `${i}`.padStart(16, '1'),
    kind: 'server',
    startTimeUnixNano: at,
    endTimeUnixNano: nanos(at + 5_000_000n),
    resource,
    traceState: 'vendor=abc',
    status: { code: 'error', message: 'boom' },
    scope: { name: '@opentelemetry/instrumentation-http', version: '0.57.0' },
    attributes: { 'http.route': '/orders/:id', 'http.response.status_code': 500, ratio: 0.25, cached: false, tags: ['a', 'b'], 'aws.xray.annotations': ['tier'], tier: 'gold' },
    events: [{ name: 'exception', timeUnixNano: nanos(at + 2n), attributes: { 'exception.message': 'boom' } }],
    links: [{ traceId: 'cd'.repeat(16), spanId: 'ef'.repeat(8), traceState: '', attributes: { 'link.kind': 'retry' } }],
  });
  const call = makeSpan({ traceId, spanId: `${i}`.padStart(16, '2'), parentSpanId: server.spanId, kind: 'client', attributes, resource, startTimeUnixNano: nanos(at + 1n), endTimeUnixNano: nanos(at + 4_000_000n) });
  return [server, call];
}

const TRACES = [
  trace(1, { 'server.address': '127.0.0.1', 'server.port': 33103 }),
  trace(2, { 'net.peer.name': '127.0.0.1', 'net.peer.port': 33104 }),
  trace(3, { 'url.full': 'https://api.stripe.com/v1/charges', 'peer.service': 'Stripe' }),
  trace(4, { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] }),
];

/** A file as the version that ran the steps before `step` left it, holding `spans` in that version's layout. */
async function writeOldFile(path: string, step: number, spans: readonly Span[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(SCHEMA_TABLE);
  for (let version = 1; version <= step; version++) {
    const migration = MIGRATIONS[version - 1]!;
    if (typeof migration === 'string') await connection.run(migration);
    else await migration(connection);
    await connection.run('INSERT INTO stitch_schema VALUES (?)', [version]);
  }
  for (const [i, span] of spans.entries()) await insertOldRow(connection, i + 1, span, step);
  connection.closeSync();
  instance.closeSync();
}

async function insertOldRow(connection: DuckDBConnection, seq: number, span: Span, step: number): Promise<void> {
  const { peer_name, peer_account, ...row } = legacySpanRowOf(span);
  const withPeers = step > MIGRATIONS.indexOf(PEER_MIGRATION);
  const columns: Record<string, unknown> = { batch_seq: BigInt(seq), ...row, start_ns: BigInt(row.start_ns), end_ns: BigInt(row.end_ns), ...(withPeers ? { peer_name, peer_account } : {}) };
  // Nulls as NULL in the text: a null parameter has no type to bind.
  const given = Object.entries(columns).filter(([, value]) => value !== null);
  const casts: Record<string, string> = { annotation_keys: '::VARCHAR[]', annotation_values: '::VARCHAR[]' };
  await connection.run(
    `INSERT INTO spans (${given.map(([name]) => name).join(', ')}) VALUES (${given.map(([name], i) => `$${i + 1}${casts[name] ?? ''}`).join(', ')})`,
    given.map(([, value]) => (Array.isArray(value) ? listValue(value) : value)) as never,
  );
  await connection.run(
    `INSERT INTO trace_parts (batch_seq, trace_id, start_ns, end_ns, span_count, has_error, services, accounts, root_start_ns, root_service, root_name, first_service, first_name, root_end_ns, first_end_ns, root_outcome, error_count)
     VALUES ($1, $2, $3, $4, 1, false, [$5], [$6], NULL, NULL, NULL, $5, $7, NULL, $4, NULL, 0)`,
    [BigInt(seq), span.traceId, BigInt(span.startTimeUnixNano), BigInt(span.endTimeUnixNano), span.resource.serviceName, span.account.id, span.name],
  );
}

const bySpanId = (spans: readonly Span[]) => [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId));

for (const [label, step] of [
  ['before spans kept their peer', MIGRATIONS.indexOf(PEER_MIGRATION)],
  ['before attributes were typed', MIGRATIONS.indexOf(TYPED_SPANS_MIGRATION)],
] as const) {
  test(`a file written ${label}: migrated on open, every span read back exactly, calls found by peer(), events and links searchable`, async () => {
    const dir = mkdtempSync('/tmp/stitch-duckdb-migration-');
    try {
      const path = join(dir, 'old.duckdb');
      await writeOldFile(path, step, TRACES.flat());
      const store = await openDuckDbStore({ path });
      try {
        for (const spans of TRACES) assert.deepEqual(bySpanId(await store.getTrace(spans[0]!.traceId)), bySpanId(spans));
        const window = { startNanos: nanos(START - 1n), endNanos: nanos(START + 1_000_000_000n), limit: 100 };
        for (const text of ['peer("127.0.0.1:33103")', 'peer("127.0.0.1:33104")', 'peer("api.stripe.com")', 'peer("orders", "local")', 'annotation.tier = "gold"',
          // Later steps derive what search reads of events and links from what the file kept of them.
          'event.exception.message = "boom" && trace:id = "ab000000000000000000000000000002"', 'event:timeSinceStart = 2ns', `link:traceID = "${'cd'.repeat(16)}"`, 'link.link.kind = "retry"']) {
          const want = TRACES.filter((spans) => traceMatches(parseFilter(text), spans)).map((spans) => spans[0]!.traceId);
          const found = (await store.searchTraces({ ...window, filter: parseFilter(text) })).map((summary) => summary.traceId);
          assert.deepEqual(found.sort(), want.sort(), text);
        }
        assert.equal((await store.searchTraces({ ...window, filter: parseFilter('peer("api.stripe.com")') })).length, 1, 'not vacuous');
        assert.equal((await store.searchTraces({ ...window, filter: parseFilter('link.link.kind = "retry"') })).length, TRACES.length, 'not vacuous');
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
