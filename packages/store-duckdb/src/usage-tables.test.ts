import { runUsageContract } from '@stitch/store';
import { storesInFiles } from './duckdb-test-files.ts';

runUsageContract('duckdb', storesInFiles('usage'));
