import { InMemoryStore } from './in-memory-store.ts';
import { runLogStoreContract } from './log-store-contract.ts';

runLogStoreContract('in memory', { newStore: async () => new InMemoryStore() });
