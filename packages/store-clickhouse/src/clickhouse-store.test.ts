import { after, before } from 'node:test';
import { runStoreContract } from '@stitch/store';
import { startClickHouse, type ClickHouseServers } from '../../../test/clickhouse/clickhouse-servers.ts';
import { openClickHouseStore, type ClickHouseTraceStore } from './clickhouse-store.ts';

// A real single-node server on loopback; each store of the suite gets a database of its own.
let servers: ClickHouseServers;
before(async () => {
  servers = await startClickHouse({ shards: 1 });
});
after(() => servers?.stop());

let databases = 0;
const databaseOf = new WeakMap<ClickHouseTraceStore, string>();
const open = (database: string) => openClickHouseStore({ urls: servers.urls, database });

runStoreContract('clickhouse, one node', {
  newStore: async () => {
    const database = `contract_${++databases}`;
    const store = await open(database);
    databaseOf.set(store, database);
    return store;
  },
  reopen: async (store) => {
    await store.close();
    return open(databaseOf.get(store as ClickHouseTraceStore)!);
  },
});
