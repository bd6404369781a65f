import { openDuckDbStore } from '@stitch/store-duckdb';
import { runTruthSuite } from './truth-suite.ts';

runTruthSuite('DuckDB', () => openDuckDbStore({ path: ':memory:' }));
