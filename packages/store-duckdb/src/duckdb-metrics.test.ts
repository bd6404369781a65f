import { runLatencyTruthContract, runMetricStoreContract } from '@stitch/store';
import { storesInFiles } from './duckdb-test-files.ts';

runMetricStoreContract('duckdb', storesInFiles('metrics'));
runLatencyTruthContract('duckdb', storesInFiles('latency'));
