import { openDuckDbStore } from '@stitch/store-duckdb';
import { fuzzCentralIngest } from './otlp-ingest-fuzz.ts';

fuzzCentralIngest('DuckDB in memory', () => openDuckDbStore({ path: ':memory:' }));
