export type { AccountSummary, TraceQuery, TraceStore, ServiceSummary, StoreStats } from './trace-store.ts';
export { StoreError } from './trace-store.ts';
export { InMemoryTraceStore } from './in-memory-store.ts';
export type { StoreContractOptions } from './store-contract.ts';
export { runStoreContract } from './store-contract.ts';
