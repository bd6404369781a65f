export type { ClickHouseStoreOptions } from './clickhouse-store.ts';
export { openClickHouseStore, ClickHouseStore } from './clickhouse-store.ts';
