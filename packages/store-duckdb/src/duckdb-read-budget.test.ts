import { runReadBudgetContract } from '@stitch/test-support/store-contracts';
import { openDuckDbStore } from './duckdb-store.ts';

runReadBudgetContract('duckdb', { newStore: () => openDuckDbStore({ path: ':memory:' }), traces: 20_000 });
