import { runDerivedStateContract } from '@stitch/store';
import { storesInFiles } from './duckdb-test-files.ts';

runDerivedStateContract('duckdb', storesInFiles('derived'));
