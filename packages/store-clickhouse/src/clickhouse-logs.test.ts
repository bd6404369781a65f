import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos } from '@stitch/model';
import { runLogStoreContract } from '@stitch/test-support/store-contracts';
import { openClickHouseStore } from './clickhouse-store.ts';
import { serversForFile, storesInDatabases } from '@stitch/test-support/clickhouse';
import { buildLogSearchSql } from './log-tables.ts';

// A real single-node server on loopback; each store of the suite gets a database of its own.
const servers = serversForFile(1);
runLogStoreContract('clickhouse, one node', storesInDatabases('logs', (database) => openClickHouseStore({ urls: servers().urls, database })));

test("the search SQL never holds a user's text, only its bytes in hex", () => {
  const hostile = "x'); DROP TABLE logs; --";
  const sql = buildLogSearchSql({ database: 'stitch', cluster: null }, { startNanos: nanos(1n), endNanos: nanos(2n), text: hostile, serviceName: hostile, account: hostile, traceIds: [hostile], limit: 5 });
  assert.ok(!sql.includes('DROP'), sql);
});
