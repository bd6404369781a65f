import { runMetricStoreContract } from './metric-store-contract.ts';
import { runLatencyTruthContract } from './latency-truth-contract.ts';
import { InMemoryTraceStore } from './in-memory-store.ts';

runMetricStoreContract('in memory', { newStore: async () => new InMemoryTraceStore() });
runLatencyTruthContract('in memory', { newStore: async () => new InMemoryTraceStore() });
