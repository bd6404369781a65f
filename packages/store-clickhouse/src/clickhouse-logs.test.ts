import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos } from '@stitch/model';
import { runLogStoreContract, type LogStore } from '@stitch/store';
import { startClickHouse, type ClickHouseServers } from '../../../test/clickhouse/clickhouse-servers.ts';
import { openClickHouseStore } from './clickhouse-store.ts';
import { buildLogSearchSql } from './log-tables.ts';

// A real single-node server on loopback; each store of the suite gets a database of its own.
let servers: ClickHouseServers | undefined;
before(async () => {
  servers = await startClickHouse({ shards: 1 });
});
after(() => servers?.stop());

let databases = 0;
const databaseOf = new WeakMap<LogStore, string>();
const open = (database: string) => openClickHouseStore({ urls: servers!.urls, database });
runLogStoreContract('clickhouse, one node', {
  newStore: async () => {
    const database = `logs_${++databases}`;
    const store = await open(database);
    databaseOf.set(store, database);
    return store;
  },
  reopen: async (store) => {
    await store.close();
    return open(databaseOf.get(store)!);
  },
});

test("the search SQL never holds a user's text, only its bytes in hex", () => {
  const hostile = "x'); DROP TABLE logs; --";
  const sql = buildLogSearchSql({ database: 'stitch', cluster: null }, { startNanos: nanos(1n), endNanos: nanos(2n), text: hostile, serviceName: hostile, account: hostile, traceIds: [hostile], limit: 5 });
  assert.ok(!sql.includes('DROP'), sql);
});
