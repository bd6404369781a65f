import { runMetricStoreContract, runLatencyTruthContract } from '@stitch/test-support/store-contracts';
import { InMemoryStore } from './in-memory-store.ts';

runMetricStoreContract('in memory', { newStore: async () => new InMemoryStore() });
runLatencyTruthContract('in memory', { newStore: async () => new InMemoryStore() });
