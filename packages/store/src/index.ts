export type { AccountSummary, TraceQuery, TraceStore, ServiceSummary, StoreStats } from './trace-store.ts';
export { StoreError } from './trace-store.ts';
export { InMemoryTraceStore } from './in-memory-store.ts';
export type { StoreContractOptions } from './store-contract.ts';
export { runStoreContract } from './store-contract.ts';
export type { TracePart } from './trace-parts.ts';
export { tracePartsOf } from './trace-parts.ts';
export { searchNewestFirst } from './search-slices.ts';
