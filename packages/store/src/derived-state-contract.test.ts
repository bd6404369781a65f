import { InMemoryStore } from './in-memory-store.ts';
import { runDerivedStateContract } from '@stitch/test-support/store-contracts';

// In memory there is nothing to reopen: the same store stands for itself.
runDerivedStateContract('in memory', { newStore: async () => new InMemoryStore(), reopen: async (store) => store });
