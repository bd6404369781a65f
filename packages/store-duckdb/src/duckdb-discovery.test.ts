import { runDiscoveryContract, runMetricsQueryContract } from '@stitch/test-support/store-contracts';
import { storesInFiles } from '@stitch/test-support/duckdb-files';

runDiscoveryContract('duckdb', storesInFiles('discovery'));
runMetricsQueryContract('duckdb', storesInFiles('metrics_query'));
