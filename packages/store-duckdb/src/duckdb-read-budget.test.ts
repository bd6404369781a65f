import { runReadBudgetContract } from '@stitch/store';
import { openDuckDbStore } from './duckdb-store.ts';

runReadBudgetContract('duckdb', { newStore: () => openDuckDbStore({ path: ':memory:' }), traces: 20_000 });
