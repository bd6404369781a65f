import { InMemoryStore } from './in-memory-store.ts';
import { runUsageContract } from './usage-contract.ts';

runUsageContract('in memory', { newStore: async () => new InMemoryStore() });
