export type { ClickHouseStoreOptions } from './clickhouse-store.ts';
export { openClickHouseStore, ClickHouseTraceStore } from './clickhouse-store.ts';
