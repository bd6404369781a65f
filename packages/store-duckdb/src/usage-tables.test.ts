import { runUsageContract } from '@stitch/test-support/store-contracts';
import { storesInFiles } from '@stitch/test-support/duckdb-files';

runUsageContract('duckdb', storesInFiles('usage'));
