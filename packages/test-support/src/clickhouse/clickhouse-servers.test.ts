// Starts a real 2-shard ClickHouse cluster and checks that a Distributed table spreads rows over
// both shards, and that stop() leaves no server or directory behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startClickHouse } from './clickhouse-servers.ts';

/** Runs one statement over HTTP (POST, so DDL and INSERT are allowed); `body` follows the query. */
async function query(url: string, sql: string, params: Record<string, string> = {}, body = ''): Promise<string> {
  const search = new URLSearchParams({ query: sql, ...params });
  const response = await fetch(`${url}/?${search}`, { method: 'POST', body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${sql}: HTTP ${response.status}: ${text}`);
  return text;
}

test('a 2-shard cluster spreads a Distributed table over both shards and stops cleanly', { timeout: 60_000 }, async () => {
  const servers = await startClickHouse({ shards: 2 });
  try {
    assert.equal(servers.urls.length, 2);
    assert.equal(servers.cluster, 'stitch');

    for (const url of servers.urls) {
      const shards = await query(url, "SELECT shard_num, port FROM system.clusters WHERE cluster = 'stitch' ORDER BY shard_num FORMAT TSV");
      assert.equal(shards.trim().split('\n').length, 2, `cluster as seen by ${url}:\n${shards}`);
      await query(url, 'CREATE TABLE spans_local (trace_id String, n UInt32) ENGINE = MergeTree ORDER BY trace_id');
      await query(url, "CREATE TABLE spans AS spans_local ENGINE = Distributed('stitch', 'default', 'spans_local', cityHash64(trace_id))");
    }

    const rows = Array.from({ length: 1_000 }, (_, i) => `trace-${i}\t${i}\n`).join('');
    // Synchronous so that every row is on its shard when the INSERT returns.
    await query(servers.urls[0]!, 'INSERT INTO spans FORMAT TabSeparated', { insert_distributed_sync: '1' }, rows);

    const local = await Promise.all(servers.urls.map(async (url) => Number(await query(url, 'SELECT count() FROM spans_local'))));
    assert.ok(local.every((count) => count > 0), `rows per shard: ${local}`);
    assert.equal(local[0]! + local[1]!, 1_000);
    for (const url of servers.urls) assert.equal(Number(await query(url, 'SELECT count() FROM spans')), 1_000);
  } finally {
    await servers.stop();
  }

  for (const url of servers.urls) {
    await assert.rejects(fetch(`${url}/?query=SELECT%201`, { signal: AbortSignal.timeout(2_000) }), `${url} still answers`);
  }
  assert.equal(existsSync(servers.dir), false, `${servers.dir} was not removed`);
});
