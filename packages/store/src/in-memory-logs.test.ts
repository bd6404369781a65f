import { InMemoryStore } from './in-memory-store.ts';
import { runLogStoreContract } from '@stitch/test-support/store-contracts';

runLogStoreContract('in memory', { newStore: async () => new InMemoryStore() });
