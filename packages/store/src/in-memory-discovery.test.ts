import { InMemoryStore } from './in-memory-store.ts';
import { runDiscoveryContract } from '@stitch/test-support/store-contracts';

runDiscoveryContract('in memory', { newStore: async () => new InMemoryStore() });
