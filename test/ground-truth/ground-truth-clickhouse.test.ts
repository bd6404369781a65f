import { openClickHouseStore } from '@stitch/store-clickhouse';
import { serversForFile } from '../../packages/store-clickhouse/src/contract-on-servers.ts';
import { runMapTruthSuite } from './map-truth-suite.ts';

const servers = serversForFile(1);
runMapTruthSuite('ClickHouse', () => openClickHouseStore({ urls: servers().urls, database: 'ground_truth' }));
