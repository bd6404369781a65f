import { InMemoryStore } from './in-memory-store.ts';
import { runDiscoveryContract, runMetricsQueryContract } from '@stitch/test-support/store-contracts';

runDiscoveryContract('in memory', { newStore: async () => new InMemoryStore() });
runMetricsQueryContract('in memory', { newStore: async () => new InMemoryStore() });
