import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, spansToBatch } from '@stitch/model';
import { runStoreContract } from '@stitch/store';
import { openDuckDbStore } from './duckdb-store.ts';
import { storesInFiles } from './duckdb-test-files.ts';

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
