import { InMemoryTraceStore } from './in-memory-store.ts';
import { runReadBudgetContract } from '@stitch/test-support/store-contracts';

runReadBudgetContract('in memory', { newStore: async () => new InMemoryTraceStore(), traces: 4_000 });
