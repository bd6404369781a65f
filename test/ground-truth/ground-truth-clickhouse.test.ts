import { openClickHouseStore } from '@stitch/store-clickhouse';
import { serversForFile } from '@stitch/test-support/clickhouse';
import { runTruthSuite } from './truth-suite.ts';

const servers = serversForFile(1);
runTruthSuite('ClickHouse', (corpus) => openClickHouseStore({ urls: servers().urls, database: `ground_truth_${corpus}` }));
