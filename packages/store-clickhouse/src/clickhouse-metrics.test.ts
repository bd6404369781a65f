import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OLD_HISTOGRAM_BUCKETS } from '@stitch/graph';
import type { MetricRecord } from '@stitch/metrics';
import { OLD_HISTOGRAM_COLUMNS } from '@stitch/store';
import { runLatencyTruthContract, runMetricStoreContract } from '@stitch/test-support/store-contracts';
import { openClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.ts';
import { serversForFile, storesInDatabases } from '@stitch/test-support/clickhouse';
import { featuresOf, MIGRATIONS, schemaTable } from './schema.ts';
import { sketchMigration } from './sketch-sql.ts';

// Two real servers on loopback, the shards of a cluster: the contract runs on the first alone
// (a single node) and on both (rows of a key spread over the shards, summed by the read); each
// store of the suites gets a database of its own.
const servers = serversForFile(2);
const open = (database: string, more: Partial<ClickHouseStoreOptions> = {}) => openClickHouseStore({ urls: servers().urls.slice(0, 1), database, ...more });
const openCluster = (database: string) => openClickHouseStore({ urls: servers().urls, database });
runMetricStoreContract('clickhouse, one node', storesInDatabases('metrics_node', (database) => open(database)));
runMetricStoreContract('clickhouse, 2 shards', storesInDatabases('metrics_cluster', openCluster));
runLatencyTruthContract('clickhouse, one node', storesInDatabases('latency_node', (database) => open(database)));
runLatencyTruthContract('clickhouse, 2 shards', storesInDatabases('latency_cluster', openCluster));

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

test('a database from before the sketch migrates: its map and metric counts come back as sketches, new writes add in', async () => {
  const layout = { database: 'sketch_migration', cluster: null };
  const run = async (query: string) => {
    const response = await fetch(`${servers().urls[0]}/`, { method: 'POST', body: query });
    assert.equal(response.status, 200, `${query.slice(0, 80)}: ${await response.text()}`);
  };
  await run(`CREATE DATABASE IF NOT EXISTS ${layout.database}`);
  await run(schemaTable(layout));
  for (let step = 1; step <= MIGRATIONS.indexOf(sketchMigration); step++) {
    for (const statement of MIGRATIONS[step - 1]!(layout, featuresOf('18.16.1'))) await run(statement);
    await run(`INSERT INTO ${layout.database}.stitch_schema VALUES (${step}, 0)`);
  }
  const histogram = (counts: Record<number, number>) => Object.fromEntries(OLD_HISTOGRAM_COLUMNS.map((column, i) => [column, counts[i] ?? 0]));
  const graphRow = { bucket_start_ms: 60_000, kind: 'node', connection: 'sync', to_account: 'a', to_account_label: 'A', to_service: 'checkout', to_label: 'checkout', requests: 3, errors: 0, faults: 1, throttles: 0, latency_sum_ns: 9_000_000, roots: 1, examples: ['t1'], ...histogram({ 10: 2, 40: 1 }) };
  const metricRow = { bucket_start_ms: 60_000, account: 'a', account_label: 'A', service: 'checkout', operation: 'GET /', requests: 3, errors: 0, faults: 1, throttles: 0, latency_sum_ns: 9_000_000, ...histogram({ 0: 1, 61: 2 }) };
  await run(`INSERT INTO ${layout.database}.graph_buckets_local FORMAT JSONEachRow ${JSON.stringify(graphRow)}`);
  await run(`INSERT INTO ${layout.database}.metric_buckets_local FORMAT JSONEachRow ${JSON.stringify(metricRow)}`);
  const store = await open(layout.database);
  try {
    const [node] = await store.readGraphRecords(0, 600_000);
    assert.equal(node!.measurements.count, 3);
    assert.deepEqual(node!.measurements.latency, { buckets: [OLD_HISTOGRAM_BUCKETS[10]!, OLD_HISTOGRAM_BUCKETS[40]!], counts: [2, 1] });
    const [metric] = await store.readMetricRecords(0, 600_000);
    assert.deepEqual(metric!.measurements.latency, { buckets: [OLD_HISTOGRAM_BUCKETS[0]!, OLD_HISTOGRAM_BUCKETS[61]!], counts: [1, 2] });
    await store.writeMetricRecords([{ ...metric!, measurements: { count: 2, errors: 0, faults: 0, throttles: 0, latencySumNanos: 1n, latency: { buckets: [5, OLD_HISTOGRAM_BUCKETS[0]!], counts: [1, 1] } } }]);
    await run(`OPTIMIZE TABLE ${layout.database}.metric_buckets_local FINAL`);
    const [added] = await store.readMetricRecords(0, 600_000);
    assert.equal(added!.measurements.count, 5);
    assert.deepEqual(added!.measurements.latency, { buckets: [5, OLD_HISTOGRAM_BUCKETS[0]!, OLD_HISTOGRAM_BUCKETS[61]!], counts: [1, 2, 2] }, 'after the background merge too');
  } finally {
    await store.close();
  }
});
