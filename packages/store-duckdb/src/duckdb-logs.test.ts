import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos } from '@stitch/model';
import { runLogStoreContract } from '@stitch/test-support/store-contracts';
import { storesInFiles } from '@stitch/test-support/duckdb-files';
import { buildLogSearchSql } from './log-tables.ts';

runLogStoreContract('duckdb', storesInFiles('logs'));

test("the search SQL holds no user's value: each is a parameter", () => {
  const hostile = "x'; DROP TABLE logs; --";
  const { sql, params } = buildLogSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), text: hostile, serviceName: hostile, account: hostile, traceIds: [hostile], limit: 5 });
  assert.ok(!sql.includes('DROP'), sql);
  assert.equal(params.filter((p) => p === hostile).length, 4);
});
