import { after, before } from 'node:test';
import { runUsageContract, type UsageStore } from '@stitch/store';
import { startClickHouse, type ClickHouseServers } from '../../../test/clickhouse/clickhouse-servers.ts';
import { openClickHouseStore } from './clickhouse-store.ts';

// A real single-node server on loopback; each store of the suite gets a database of its own.
let servers: ClickHouseServers | undefined;
before(async () => {
  servers = await startClickHouse({ shards: 1 });
});
after(() => servers?.stop());

let databases = 0;
const databaseOf = new WeakMap<UsageStore, string>();
const open = (database: string) => openClickHouseStore({ urls: servers!.urls, database });
runUsageContract('clickhouse, one node', {
  newStore: async () => {
    const database = `usage_${++databases}`;
    const store = await open(database);
    databaseOf.set(store, database);
    return store;
  },
  reopen: async (store) => {
    await store.close();
    return open(databaseOf.get(store)!);
  },
});
