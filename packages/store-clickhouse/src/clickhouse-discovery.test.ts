import { runDiscoveryContract, runMetricsQueryContract } from '@stitch/test-support/store-contracts';
import { serversForFile, storesInDatabases } from '@stitch/test-support/clickhouse';
import { openClickHouseStore } from './clickhouse-store.ts';

// A real single-node server on loopback; each store of the suite gets a database of its own.
const servers = serversForFile(1);
runDiscoveryContract('clickhouse, one node', storesInDatabases('discovery', (database) => openClickHouseStore({ urls: servers().urls, database })));
runMetricsQueryContract('clickhouse, one node', storesInDatabases('metrics_query', (database) => openClickHouseStore({ urls: servers().urls, database })));
