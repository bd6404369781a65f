import { after, before } from 'node:test';
import { openClickHouseStore } from '@stitch/store-clickhouse';
import { startClickHouse, type ClickHouseServers } from '@stitch/test-support/clickhouse';
import { fuzzCentralIngest } from './otlp-ingest-fuzz.ts';

// The same inputs on ClickHouse, two shards: what one store takes, the other must keep too
// (strings it would mangle, times it would overflow).
let servers: ClickHouseServers;
before(async () => {
  servers = await startClickHouse({ shards: 2 });
});
after(() => servers?.stop());

fuzzCentralIngest('ClickHouse, two shards', () => openClickHouseStore({ urls: servers.urls, database: 'fuzz' }));
