import { InMemoryStore } from './in-memory-store.ts';
import { runReadBudgetContract } from '@stitch/test-support/store-contracts';

runReadBudgetContract('in memory', { newStore: async () => new InMemoryStore(), traces: 4_000 });
