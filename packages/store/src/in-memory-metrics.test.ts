import { runMetricStoreContract, runLatencyTruthContract } from '@stitch/test-support/store-contracts';
import { InMemoryTraceStore } from './in-memory-store.ts';

runMetricStoreContract('in memory', { newStore: async () => new InMemoryTraceStore() });
runLatencyTruthContract('in memory', { newStore: async () => new InMemoryTraceStore() });
