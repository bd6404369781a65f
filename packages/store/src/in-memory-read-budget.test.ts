import { InMemoryStore } from './in-memory-store.ts';
import { runReadBudgetContract } from './read-budget-contract.ts';

runReadBudgetContract('in memory', { newStore: async () => new InMemoryStore(), traces: 4_000 });
