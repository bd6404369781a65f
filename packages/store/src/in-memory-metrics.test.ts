import { runMetricStoreContract } from './metric-store-contract.ts';
import { InMemoryTraceStore } from './in-memory-store.ts';

runMetricStoreContract('in memory', { newStore: async () => new InMemoryTraceStore() });
