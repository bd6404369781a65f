import { runUsageContract } from '@stitch/test-support/store-contracts';
import { openClickHouseStore } from './clickhouse-store.ts';
import { serversForFile, storesInDatabases } from '@stitch/test-support/clickhouse';

// A real single-node server on loopback; each store of the suite gets a database of its own.
const servers = serversForFile(1);
runUsageContract('clickhouse, one node', storesInDatabases('usage', (database) => openClickHouseStore({ urls: servers().urls, database })));
