import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, spansToBatch } from '@stitch/model';
import { runStoreContract, type TraceStore } from '@stitch/store';
import { openDuckDbStore } from './duckdb-store.ts';

const dir = mkdtempSync('/tmp/stitch-duckdb-');
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const paths = new WeakMap<TraceStore, string>();

runStoreContract('duckdb', {
  newStore: async () => {
    const path = join(dir, `contract-${++files}.duckdb`);
    const store = await openDuckDbStore({ path });
    paths.set(store, path);
    return store;
  },
  reopen: async (store) => {
    const path = paths.get(store)!;
    await store.close();
    return openDuckDbStore({ path });
  },
});

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
