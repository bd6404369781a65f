export type { DuckDbStoreOptions } from './duckdb-store.ts';
export { openDuckDbStore, DuckDbTraceStore } from './duckdb-store.ts';
