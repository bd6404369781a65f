import { runReadBudgetContract } from '@stitch/test-support/store-contracts';
import { openClickHouseStore } from './clickhouse-store.ts';
import { serversForFile } from '@stitch/test-support/clickhouse';

const servers = serversForFile(1);
runReadBudgetContract('clickhouse, one node', { newStore: () => openClickHouseStore({ urls: servers().urls, database: 'budget' }), traces: 20_000 });
