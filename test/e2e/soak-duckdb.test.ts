import { soakTest } from './soak-check.ts';

soakTest('DuckDB', 0);
