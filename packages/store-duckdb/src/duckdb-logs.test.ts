import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos } from '@stitch/model';
import { runLogStoreContract, type LogStore } from '@stitch/store';
import { openDuckDbStore } from './duckdb-store.ts';
import { buildLogSearchSql } from './log-tables.ts';

const dir = mkdtempSync('/tmp/stitch-duckdb-logs-');
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const paths = new WeakMap<LogStore, string>();

runLogStoreContract('duckdb', {
  newStore: async () => {
    const path = join(dir, `logs-${++files}.duckdb`);
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

test("the search SQL holds no user's value: each is a parameter", () => {
  const hostile = "x'; DROP TABLE logs; --";
  const { sql, params } = buildLogSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), text: hostile, serviceName: hostile, account: hostile, traceIds: [hostile], limit: 5 });
  assert.ok(!sql.includes('DROP'), sql);
  assert.equal(params.filter((p) => p === hostile).length, 4);
});
