import { InMemoryStore } from './in-memory-store.ts';
import { runStoreContract } from '@stitch/test-support/store-contracts';

runStoreContract('in memory', { newStore: async () => new InMemoryStore() });
