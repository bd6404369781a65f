import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, spansToBatch } from '@stitch/model';
import { assertMigratedTraceStatuses, runStoreContract, traceStatusCases } from '@stitch/test-support/store-contracts';
import { DuckDBInstance } from '@duckdb/node-api';
import { MIGRATIONS, TRACE_STATUS_MIGRATION } from './schema.ts';
import { openDuckDbStore } from './duckdb-store.ts';
import { storesInFiles } from '@stitch/test-support/duckdb-files';

runStoreContract('duckdb', storesInFiles('contract'));

test('a batch that fails part-way stores none of its spans, and the store keeps working', async () => {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const good = makeSpan({ traceId: 'ab'.repeat(16) });
    // A status code beyond INTEGER makes the appender fail on the second span, after the first was appended.
    const bad = makeSpan({ traceId: 'ab'.repeat(16), http: { method: null, route: null, url: null, statusCode: 2 ** 40 } });
    await assert.rejects(store.writeBatch(spansToBatch([good, bad])), { name: 'StoreError' });
    assert.deepEqual(await store.getTrace(good.traceId), []);
    await store.writeBatch(spansToBatch([good]));
    assert.equal((await store.getTrace(good.traceId)).length, 1);
  } finally {
    await store.close();
  }
});

test('a file written before trace statuses were stored is migrated: statuses and error counts recounted from its spans', async () => {
  const files = storesInFiles('status-migration');
  const cases = traceStatusCases();
  const old = await files.newStore();
  for (const { batches } of cases) for (const batch of batches) await old.writeBatch(spansToBatch(batch));
  // As the version before left the file: no root_outcome or error_count.
  const path = files.pathOf(old);
  await old.close();
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  // (DuckDB drops no column of an indexed table: the index goes and comes back.)
  await connection.run('DROP INDEX trace_parts_by_trace; ALTER TABLE trace_parts DROP COLUMN root_outcome; ALTER TABLE trace_parts DROP COLUMN error_count; CREATE INDEX trace_parts_by_trace ON trace_parts (trace_id);');
  // The step the store runs on open, run on the file as the version before left it.
  assert.ok(MIGRATIONS.includes(TRACE_STATUS_MIGRATION));
  await connection.run(TRACE_STATUS_MIGRATION);
  connection.closeSync();
  instance.closeSync();

  const store = await openDuckDbStore({ path });
  try {
    const traces = cases.map(({ batches }) => batches.flat());
    await assertMigratedTraceStatuses(store, traces);
  } finally {
    await store.close();
  }
});
