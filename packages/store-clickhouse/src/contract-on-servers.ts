import { after, before } from 'node:test';
import { runStoreContract } from '@stitch/store';
import { startClickHouse, type ClickHouseServers } from '../../../test/clickhouse/clickhouse-servers.ts';
import { openClickHouseStore, type ClickHouseTraceStore } from './clickhouse-store.ts';

/**
 * Starts real servers for the test file (one per shard, on loopback) and runs the store
 * contract on them, each store in a database of its own. Returns the servers, once started.
 */
export function runContractOnServers(shards: number): () => ClickHouseServers {
  let servers: ClickHouseServers | undefined;
  before(async () => {
    servers = await startClickHouse({ shards });
  });
  after(() => servers?.stop());
  const started = () => {
    if (!servers) throw new Error('the servers are not started yet');
    return servers;
  };

  let databases = 0;
  const databaseOf = new WeakMap<ClickHouseTraceStore, string>();
  const open = (database: string) => openClickHouseStore({ urls: started().urls, database });
  runStoreContract(shards === 1 ? 'clickhouse, one node' : `clickhouse, ${shards} shards`, {
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
  return started;
}
