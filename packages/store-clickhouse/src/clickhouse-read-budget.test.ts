import { runReadBudgetContract } from '@stitch/store';
import { openClickHouseStore } from './clickhouse-store.ts';
import { serversForFile } from './contract-on-servers.ts';

const servers = serversForFile(1);
runReadBudgetContract('clickhouse, one node', { newStore: () => openClickHouseStore({ urls: servers().urls, database: 'budget' }), traces: 20_000 });
