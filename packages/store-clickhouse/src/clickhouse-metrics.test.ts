import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricRecord } from '@stitch/metrics';
import { runMetricStoreContract } from '@stitch/store';
import { openClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.ts';
import { serversForFile, storesInDatabases } from './contract-on-servers.ts';

// Two real servers on loopback, the shards of a cluster: the contract runs on the first alone
// (a single node) and on both (rows of a key spread over the shards, summed by the read); each
// store of the suites gets a database of its own.
const servers = serversForFile(2);
const open = (database: string, more: Partial<ClickHouseStoreOptions> = {}) => openClickHouseStore({ urls: servers().urls.slice(0, 1), database, ...more });
const openCluster = (database: string) => openClickHouseStore({ urls: servers().urls, database });
runMetricStoreContract('clickhouse, one node', storesInDatabases('metrics_node', (database) => open(database)));
runMetricStoreContract('clickhouse, 2 shards', storesInDatabases('metrics_cluster', openCluster));

test('span metrics outlive a short span retention: 35 days are kept, older days dropped', async () => {
  const day = 86_400_000;
  const now = Date.now();
  const bucket = (daysAgo: number): MetricRecord => ({
    bucketStartMs: now - daysAgo * day,
    account: 'a',
    accountLabel: 'a',
    service: 's',
    operation: 'o',
    measurements: { count: 1, errors: 0, faults: 0, throttles: 0, latencySumNanos: 1n, latency: { buckets: [700], counts: [1] } },
  });
  const store = await open('metric_retention', { retentionDays: 2 });
  try {
    await store.writeMetricRecords([bucket(40), bucket(34), bucket(9), bucket(0)]);
    await store.dropExpired(now);
    const kept = await store.readMetricRecords(now - 60 * day, now + day);
    assert.deepEqual(kept.map((record) => Math.round((now - record.bucketStartMs) / day)), [34, 9, 0]);
  } finally {
    await store.close();
  }
});
