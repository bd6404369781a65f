import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeSpan, nanos, spansToBatch, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import { openDuckDbStore } from './duckdb-store.ts';
import { MIGRATIONS, PEER_MIGRATION } from './schema.ts';

test('a file written before spans kept their peer: migrated on open, its calls found by peer()', async () => {
  const dir = mkdtempSync('/tmp/stitch-duckdb-peer-');
  try {
    const path = join(dir, 'old.duckdb');
    const start = 1_910_000_000_000_000_000n;
    const trace = (i: number, attributes: Span['attributes']): Span[] => {
      const traceId = `ab${i.toString(16).padStart(30, '0')}`;
      const at = nanos(start + BigInt(i) * 1_000_000n);
      const server = makeSpan({ traceId, spanId: `${i}`.padStart(16, '1'), kind: 'server', startTimeUnixNano: at, endTimeUnixNano: nanos(at + 5_000_000n) });
      const call = makeSpan({ traceId, spanId: `${i}`.padStart(16, '2'), parentSpanId: server.spanId, kind: 'client', attributes, startTimeUnixNano: nanos(at + 1n), endTimeUnixNano: nanos(at + 4_000_000n) });
      return [server, call];
    };
    const traces = [
      trace(1, { 'server.address': '127.0.0.1', 'server.port': 33103 }),
      trace(2, { 'net.peer.name': '127.0.0.1', 'net.peer.port': 33104 }),
      trace(3, { 'url.full': 'https://api.stripe.com/v1/charges', 'peer.service': 'Stripe' }),
      trace(4, { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] }),
    ];
    const store = await openDuckDbStore({ path });
    for (const spans of traces) await store.writeBatch(spansToBatch(spans));
    await store.close();

    // The spans as the version before the step left them: no peer columns. The step (the one the
    // store runs on open) adds them back and gives each stored call its peer.
    const instance = await DuckDBInstance.create(path);
    const raw = await instance.connect();
    await raw.run('ALTER TABLE spans DROP COLUMN peer_name; ALTER TABLE spans DROP COLUMN peer_account;');
    assert.ok(MIGRATIONS.includes(PEER_MIGRATION));
    await PEER_MIGRATION(raw);
    raw.closeSync();
    instance.closeSync();

    const reopened = await openDuckDbStore({ path });
    try {
      const window = { startNanos: nanos(start - 1n), endNanos: nanos(start + 1_000_000_000n), limit: 100 };
      for (const text of ['peer("127.0.0.1:33103")', 'peer("127.0.0.1:33104")', 'peer("api.stripe.com")', 'peer("orders", "local")', 'peer("127.0.0.1")']) {
        const want = traces.filter((spans) => traceMatches(parseFilter(text), spans)).map((spans) => spans[0]!.traceId);
        const found = (await reopened.searchTraces({ ...window, filter: parseFilter(text) })).map((summary) => summary.traceId);
        assert.deepEqual(found, want, text);
      }
      assert.equal((await reopened.searchTraces({ ...window, filter: parseFilter('peer("api.stripe.com")') })).length, 1, 'not vacuous');
    } finally {
      await reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
