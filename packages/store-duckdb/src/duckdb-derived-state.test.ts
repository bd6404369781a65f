import { runDerivedStateContract } from '@stitch/test-support/store-contracts';
import { storesInFiles } from '@stitch/test-support/duckdb-files';

runDerivedStateContract('duckdb', storesInFiles('derived'));
