import { after, before } from 'node:test';
import type { StoreLifecycle } from '@stitch/store';
import { openClickHouseStore, type ClickHouseStore } from '@stitch/store-clickhouse';
import { runStoreContract } from '../store-contracts/store-contract.ts';
import { startClickHouse, type ClickHouseServers } from './clickhouse-servers.ts';

/** Starts real servers for the test file (one per shard, on loopback), stopped after it. Returns the servers, once started. */
export function serversForFile(shards: number): () => ClickHouseServers {
  let servers: ClickHouseServers | undefined;
  before(async () => {
    servers = await startClickHouse({ shards });
  });
  after(() => servers?.stop());
  return () => {
    if (!servers) throw new Error('the servers are not started yet');
    return servers;
  };
}

/** A contract suite's `newStore` and `reopen`: each store in a database of its own (`<prefix>_<n>`), reopened on it. */
export function storesInDatabases(prefix: string, open: (database: string) => Promise<ClickHouseStore>) {
  let databases = 0;
  const databaseOf = new WeakMap<object, string>();
  return {
    newStore: async () => {
      const database = `${prefix}_${++databases}`;
      const store = await open(database);
      databaseOf.set(store, database);
      return store;
    },
    reopen: async (store: StoreLifecycle) => {
      await store.close();
      return open(databaseOf.get(store)!);
    },
  };
}

/** Starts real servers for the test file and runs the store contract on them. Returns the servers, once started. */
export function runContractOnServers(shards: number): () => ClickHouseServers {
  const started = serversForFile(shards);
  const open = (database: string) => openClickHouseStore({ urls: started().urls, database });
  runStoreContract(shards === 1 ? 'clickhouse, one node' : `clickhouse, ${shards} shards`, storesInDatabases('contract', open));
  return started;
}
