import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { writeMinuteRecords } from './telemetry-data.ts';
const path = '/tmp/stitch-prof.duckdb';
const endMs = Math.floor(Date.parse('2030-01-08T00:00:00Z') / 60000) * 60000;
if (process.argv[2] === 'fill') {
  const store = await openDuckDbStore({ path });
  let t = performance.now();
  await writeMinuteRecords(endMs, 2, 1, async (records) => { const s = performance.now(); await store.writeMetricRecords(records); console.log('write day', Math.round(performance.now() - s)); });
  console.log('fill', Math.round(performance.now() - t));
  await store.close();
} else {
  const i = await DuckDBInstance.create(path); const c = await i.connect();
  const q = async (label: string, sql: string) => { const t = performance.now(); const r = await c.runAndReadAll(sql); const rows = r.getRowObjectsJS(); console.log(label, Math.round(performance.now() - t), rows.length); return rows; };
  await q('count', 'SELECT count(*), sum(len(latency_buckets)) FROM metric_buckets');
  await q('unnest group', `SELECT account, service, operation, bucket, sum(n) FROM (SELECT account, service, operation, unnest(latency_buckets) AS bucket, unnest(latency_counts) AS n FROM metric_buckets) GROUP BY ALL`);
  await q('unnest only count', `SELECT count(*) FROM (SELECT account, service, operation, unnest(latency_buckets) AS bucket, unnest(latency_counts) AS n FROM metric_buckets)`);
  await q('plain totals', `SELECT account, service, operation, sum(requests) FROM metric_buckets GROUP BY ALL`);
  await q('minute rows, lists to JS', `SELECT latency_buckets, latency_counts FROM metric_buckets WHERE service = 'checkout'`);
  await q('minute rows, no lists', `SELECT requests FROM metric_buckets WHERE service = 'checkout'`);
}
