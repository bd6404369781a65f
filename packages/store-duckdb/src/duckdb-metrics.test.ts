import { runLatencyTruthContract, runMetricStoreContract } from '@stitch/test-support/store-contracts';
import { storesInFiles } from '@stitch/test-support/duckdb-files';

runMetricStoreContract('duckdb', storesInFiles('metrics'));
runLatencyTruthContract('duckdb', storesInFiles('latency'));
