import { openDuckDbStore } from '@stitch/store-duckdb';
import { runMapTruthSuite } from './map-truth-suite.ts';

runMapTruthSuite('DuckDB', () => openDuckDbStore({ path: ':memory:' }));
