export type { DuckDbStoreOptions } from './duckdb-store.ts';
export { openDuckDbStore, DuckDbStore } from './duckdb-store.ts';
