import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, spansToBatch } from '@stitch/model';
import { openClickHouseStore } from './clickhouse-store.ts';
import { runContractOnServers } from '@stitch/test-support/clickhouse';

// Two shards, each its own clickhouse-server on loopback, behind Distributed tables.
const servers = runContractOnServers(2);
const open = (database: string) => openClickHouseStore({ urls: servers().urls, database });

async function countOn(url: string, sql: string): Promise<number> {
  const response = await fetch(`${url}/?query=${encodeURIComponent(sql)}`);
  assert.equal(response.status, 200, await response.clone().text());
  return Number((await response.text()).trim());
}

test('traces spread over both shards, and every span of a trace sits on the shard of its trace', async () => {
  const store = await open('spread');
  try {
    const traces = Array.from({ length: 40 }, (_, t) =>
      Array.from({ length: 5 }, (_, s) => makeSpan({ traceId: (t + 1).toString(16).padStart(32, 'c'), spanId: `${t}`.padStart(8, '0') + `${s}`.padStart(8, '0') })),
    );
    await store.writeBatch(spansToBatch(traces.flat()));
    const perShard = await Promise.all(servers().urls.map((url) => countOn(url, 'SELECT count() FROM spread.spans_local')));
    assert.ok(perShard.every((n) => n > 0), `both shards hold spans: ${perShard.join(', ')}`);
    assert.equal(perShard.reduce((a, b) => a + b, 0), 200);
    // A trace on two shards would count twice here.
    const tracesPerShard = await Promise.all(servers().urls.map((url) => countOn(url, 'SELECT uniqExact(trace_id) FROM spread.spans_local')));
    assert.equal(tracesPerShard.reduce((a, b) => a + b, 0), 40);
    assert.equal((await store.getTrace(traces[7]![0]!.traceId)).length, 5);
  } finally {
    await store.close();
  }
});

test('URLs that do not match the cluster\'s shards are refused with the reason', async () => {
  await assert.rejects(openClickHouseStore({ urls: [servers().urls[0]!, servers().urls[0]!, servers().urls[1]!], database: 'mismatch' }), /has 2 shards .* but 3 URLs/);
  await assert.rejects(openClickHouseStore({ urls: servers().urls, cluster: 'elsewhere', database: 'mismatch' }), /cluster "elsewhere" has 0 shards/);
});
