import { InMemoryStore } from './in-memory-store.ts';
import { runStoreContract } from './store-contract.ts';

runStoreContract('in memory', { newStore: async () => new InMemoryStore() });
