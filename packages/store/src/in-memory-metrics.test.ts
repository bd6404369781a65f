import { runMetricStoreContract } from './metric-store-contract.ts';
import { runLatencyTruthContract } from './latency-truth-contract.ts';
import { InMemoryStore } from './in-memory-store.ts';

runMetricStoreContract('in memory', { newStore: async () => new InMemoryStore() });
runLatencyTruthContract('in memory', { newStore: async () => new InMemoryStore() });
