import { after, before } from 'node:test';
import { openClickHouseStore } from '@stitch/store-clickhouse';
import { startClickHouse, type ClickHouseServers } from '@stitch/test-support/clickhouse';
import { fuzzRuns, share } from './fuzz-run.ts';
import { fuzzCentralIngest } from './otlp-ingest-fuzz.ts';

// The same inputs on ClickHouse, two shards: what one store takes, the other must keep too
// (strings it would mangle, times it would overflow). The surface's 10,000 inputs of each
// encoding run on DuckDB (otlp-ingest-duckdb); here a quarter as many from the same generator,
// every kind of input it makes among them: all 20,000 took 160 to 230 s of a 20-minute suite.
let servers: ClickHouseServers;
before(async () => {
  servers = await startClickHouse({ shards: 2 });
});
after(() => servers?.stop());

fuzzCentralIngest('ClickHouse, two shards', () => openClickHouseStore({ urls: servers.urls, database: 'fuzz' }), share(fuzzRuns(), 0.25));
