import { InMemoryStore } from './in-memory-store.ts';
import { runUsageContract } from '@stitch/test-support/store-contracts';

runUsageContract('in memory', { newStore: async () => new InMemoryStore() });
