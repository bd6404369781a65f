import { runDiscoveryContract, runMetricsQueryContract } from '@stitch/test-support/store-contracts';
import { serversForFile, storesInDatabases } from '@stitch/test-support/clickhouse';
import { openClickHouseStore } from './clickhouse-store.ts';

// Two real servers on loopback: the contracts run on the first alone and on both as the shards
// of a cluster (a window's spans spread over them, names and cells added up across).
const servers = serversForFile(2);
const open = (database: string) => openClickHouseStore({ urls: servers().urls.slice(0, 1), database });
const openCluster = (database: string) => openClickHouseStore({ urls: servers().urls, database });
runDiscoveryContract('clickhouse, one node', storesInDatabases('discovery', open));
runMetricsQueryContract('clickhouse, one node', storesInDatabases('metrics_query', open));
runDiscoveryContract('clickhouse, 2 shards', storesInDatabases('discovery_cluster', openCluster));
runMetricsQueryContract('clickhouse, 2 shards', storesInDatabases('metrics_query_cluster', openCluster));
