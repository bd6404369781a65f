export type { ClickHouseServers } from './clickhouse-servers.ts';
export { CLICKHOUSE_SERVER, CLUSTER, startClickHouse } from './clickhouse-servers.ts';
export { runContractOnServers, serversForFile, storesInDatabases } from './contract-on-servers.ts';
